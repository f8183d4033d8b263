"""The CMSIS-DAP probe model, packet by packet as a host sends them (byte layouts from ARM's CMSIS-DAP
specification), in front of real simulated boards; and its CMSIS-DAP-over-TCP front end on a real socket."""
from __future__ import annotations

import socket
import struct
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

pytest.importorskip("unicorn", reason="the simulated core needs unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from ocdpy.sim.board import Board  # noqa: E402
from ocdpy.sim.cmsis_dap import CmsisDapModel, CommandQueue  # noqa: E402
from ocdpy.sim.dap import STICKYERR  # noqa: E402
from ocdpy.sim.dap_tcp import HEADER, REQUEST, RESPONSE, SIGNATURE, frame, serve  # noqa: E402
from ocdpy.sim.debug_port import BoardDebugPort  # noqa: E402

CHIPS = ("stm32f072rb", "stm32f103c8", "stm32f401cc")
DPIDR = {"stm32f072rb": 0x0BB11477, "stm32f103c8": 0x1BA01477, "stm32f401cc": 0x2BA01477}
CPUID = {"stm32f072rb": 0x410CC200, "stm32f103c8": 0x411FC231, "stm32f401cc": 0x410FC241}
JTAG_DP_F103, BOUNDARY_SCAN_F103 = 0x3BA00477, 0x06410041

# DAP_Transfer requests: bit0 APnDP, bit1 RnW, bits2-3 A[3:2], bit4 value match, bit5 match mask
DP_W_ABORT, DP_R_IDCODE, DP_W_CTRL, DP_R_CTRL, DP_W_SELECT, DP_R_RDBUFF = 0x00, 0x02, 0x04, 0x06, 0x08, 0x0E
AP_W_CSW, AP_W_TAR, AP_W_DRW, AP_R_DRW, AP_R_IDR = 0x01, 0x05, 0x0D, 0x0F, 0x0F
MATCH_VALUE, MATCH_MASK = 0x10, 0x20
OK, FAULT, NO_ACK, MISMATCH = 1, 4, 7, 0x10
CSW_WORD_NOINC, CSW_WORD_INC = 0x23000002, 0x23000012
DHCSR, DBGKEY, S_HALT = 0xE000EDF0, 0xA05F0000, 1 << 17
SRAM = 0x20000000


class Probe:
    """A host's view of the model: build command packets, unpack responses."""

    def __init__(self, chip: str, **options) -> None:
        self.board = Board(chip)
        self.debug = BoardDebugPort(self.board, chip)
        self.resets: list[bool] = []
        self.model = CmsisDapModel(self.debug.swd, self.debug.chain, self.resets.append, **options)

    def cmd(self, *fields: int | bytes) -> bytes:
        return self.model.execute(b"".join(bytes([f]) if isinstance(f, int) else f for f in fields))

    def transfer(self, *requests: tuple[int, int | None], index: int = 0) -> tuple[int, int, list[int]]:
        body = b"".join(bytes([r]) + (b"" if v is None else struct.pack("<I", v)) for r, v in requests)
        reply = self.cmd(0x05, index, len(requests), body)
        assert reply[0] == 0x05
        return reply[1], reply[2], list(struct.unpack(f"<{(len(reply) - 3) // 4}I", reply[3:]))

    def block(self, request: int, count: int = 0, words: list[int] | None = None, index: int = 0):
        data = struct.pack(f"<{len(words)}I", *words) if words else b""
        reply = self.cmd(0x06, index, struct.pack("<H", len(words) if words else count), request, data)
        count, ack = struct.unpack_from("<HB", reply, 1)
        return count, ack, list(struct.unpack(f"<{(len(reply) - 4) // 4}I", reply[4:]))

    def swd_connect(self) -> int:
        """Connect, line reset, JTAG-to-SWD, line reset, idle, then the DPIDR read that ends the switch."""
        assert self.cmd(0x02, 1) == b"\x02\x01"
        for count, data in ((56, b"\xff" * 7), (16, struct.pack("<H", 0xE79E)), (56, b"\xff" * 7), (8, b"\0")):
            assert self.cmd(0x12, count, data) == b"\x12\x00"
        count, ack, data = self.transfer((DP_R_IDCODE, None))
        assert (count, ack) == (1, OK)
        return data[0]

    def power_up(self, index: int = 0) -> int:
        count, ack, data = self.transfer((DP_W_CTRL, 0x50000000), (DP_R_CTRL, None), index=index)
        assert (count, ack) == (2, OK)
        return data[0]

    def read_word(self, address: int, index: int = 0) -> tuple[int, int, list[int]]:
        return self.transfer((DP_W_SELECT, 0), (AP_W_CSW, CSW_WORD_NOINC), (AP_W_TAR, address), (AP_R_DRW, None),
                             index=index)

    def write_word(self, address: int, value: int) -> tuple[int, int, list[int]]:
        return self.transfer((AP_W_CSW, CSW_WORD_NOINC), (AP_W_TAR, address), (AP_W_DRW, value))


def connected(chip: str, **options) -> Probe:
    probe = Probe(chip, **options)
    probe.swd_connect()
    probe.power_up()
    return probe


# -- general commands --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("chip", CHIPS)
def test_dap_info_reports_identity_capabilities_and_the_configured_packets(chip):
    probe = Probe(chip, packet_size=64, packet_count=1, serial="S123")
    assert probe.cmd(0x00, 0x01) == b"\x00\x06ocdpy\0"
    assert probe.cmd(0x00, 0x03) == b"\x00\x05S123\0"
    assert probe.cmd(0x00, 0x04) == b"\x00\x062.1.1\0"
    assert probe.cmd(0x00, 0x02).endswith(b"\0")
    assert probe.cmd(0x00, 0xF0) == b"\x00\x01\x13"  # SWD, JTAG, atomic commands: the probe's, not the target's
    assert probe.cmd(0x00, 0xFE) == b"\x00\x01\x01"
    assert probe.cmd(0x00, 0xFF) == b"\x00\x02" + struct.pack("<H", 64)
    assert probe.cmd(0x00, 0x06) == b"\x00\x00"  # target device name: not an on-board probe
    v2 = Probe(chip, packet_size=512, packet_count=8)
    assert v2.cmd(0x00, 0xFF) == b"\x00\x02" + struct.pack("<H", 512)
    assert v2.cmd(0x00, 0xFE) == b"\x00\x01\x08"


def test_unknown_unsupported_and_cut_short_commands_answer_0xff():
    probe = Probe("stm32f103c8")
    assert probe.cmd(0x42) == b"\xff"
    assert probe.cmd(0x17, 1) == b"\xff"   # DAP_SWO_Transport: no SWO on this probe
    assert probe.cmd(0x1F, 2) == b"\xff"   # DAP_UART_Transport: no UART either
    assert probe.model.execute(b"") == b"\xff"
    assert probe.cmd(0x02, 1) == b"\x02\x01"
    assert probe.cmd(0x05, 0, 2, DP_W_CTRL, b"\0\0\0\x50") == b"\xff"  # second request missing: nothing done
    assert probe.debug.dp.ctrl_stat == 0
    assert probe.model.execute(b"\x00\x01" + b"\0" * 600) == b"\xff"   # longer than a 512-byte packet


def test_general_commands_answer_with_their_status():
    probe = Probe("stm32f401cc")
    assert probe.cmd(0x01, 0, 1) == b"\x01\x00"
    assert probe.model.leds[0] is True
    assert probe.cmd(0x02, 0) == b"\x02\x01"       # default port: SWD
    assert probe.cmd(0x02, 2) == b"\x02\x02"
    assert probe.cmd(0x02, 3) == b"\x02\x00"       # no such port
    assert probe.cmd(0x03) == b"\x03\x00"
    assert probe.cmd(0x09, struct.pack("<H", 10)) == b"\x09\x00"
    assert probe.cmd(0x0A) == b"\x0a\x00\x00"      # no device-specific reset sequence
    assert probe.cmd(0x11, struct.pack("<I", 4_000_000)) == b"\x11\x00"
    assert probe.cmd(0x11, struct.pack("<I", 0)) == b"\x11\xff"
    assert probe.cmd(0x13, 0x05) == b"\x13\x00"
    assert (probe.model.turnaround, probe.model.data_phase) == (2, True)
    assert probe.cmd(0x04, 2, struct.pack("<HH", 50, 7)) == b"\x04\x00"
    assert (probe.model.config.idle_cycles, probe.model.config.wait_retry, probe.model.config.match_retry) == (2, 50, 7)
    assert probe.cmd(0x07) == b""                   # DAP_TransferAbort has no response


def test_swj_pins_drive_nreset_through_the_callback_and_read_back():
    probe = Probe("stm32f103c8")
    pins = probe.cmd(0x10, 0x00, 0x80, struct.pack("<I", 0))   # nRESET low
    assert pins[0] == 0x10 and not pins[1] & 0x80
    assert probe.cmd(0x10, 0x80, 0x80, struct.pack("<I", 100))[1] & 0x80
    assert probe.resets == [True, False]
    probe.cmd(0x10, 0x80, 0x80, struct.pack("<I", 0))           # no change, no call
    assert probe.resets == [True, False]


def test_transfers_before_connect_do_nothing():
    probe = Probe("stm32f072rb")
    assert probe.transfer((DP_R_IDCODE, None)) == (0, 0, [])


# -- SWD ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("chip", CHIPS)
def test_swd_line_reset_and_switch_then_dpidr(chip):
    assert Probe(chip).swd_connect() == DPIDR[chip]


def test_swd_packets_before_the_switch_get_no_answer():
    probe = Probe("stm32f103c8")  # an SWJ-DP powers up in JTAG mode
    probe.cmd(0x02, 1)
    assert probe.transfer((DP_R_IDCODE, None))[:2] == (0, NO_ACK)


def test_swd_sequence_input_cycles_read_what_the_target_drives():
    probe = Probe("stm32f401cc")
    probe.swd_connect()
    # a DPIDR read built by hand: 8 request bits out; turnaround, ACK, 32 data, parity, turnaround in
    reply = probe.cmd(0x1D, 2, 8, 0xA5, 0x80 | 38)
    assert reply[:2] == b"\x1d\x00" and len(reply) == 2 + 5
    bits = int.from_bytes(reply[2:], "little")
    assert (bits >> 1) & 7 == OK
    assert (bits >> 4) & 0xFFFFFFFF == DPIDR["stm32f401cc"]
    assert probe.transfer((DP_R_IDCODE, None)) == (1, OK, [DPIDR["stm32f401cc"]])  # still in step


@pytest.mark.parametrize("chip", CHIPS)
def test_power_up_request_is_acknowledged_in_ctrl_stat(chip):
    probe = Probe(chip)
    probe.swd_connect()
    assert probe.power_up() & 0xF0000000 == 0xF0000000


@pytest.mark.parametrize("chip", CHIPS)
def test_cpuid_through_the_ahb_ap_with_the_posted_read_collected_by_the_probe(chip):
    probe = connected(chip)
    assert probe.read_word(0xE000ED00) == (4, OK, [CPUID[chip]])
    # two AP reads in a row: the first's data arrives with the second, the last one via RDBUFF
    count, ack, data = probe.transfer((AP_W_TAR, 0xE000ED00), (AP_R_DRW, None), (AP_R_DRW, None), (DP_R_CTRL, None))
    assert (count, ack) == (4, OK)
    assert data[:2] == [CPUID[chip]] * 2 and data[2] & 0xF0000000 == 0xF0000000


@pytest.mark.parametrize("chip", CHIPS)
def test_transfer_block_writes_and_reads_back_256_words_of_sram(chip):
    probe = connected(chip)
    words = [(0x9E3779B9 * i) & 0xFFFFFFFF for i in range(256)]
    chunk = 100  # what fits a 512-byte packet
    for start in range(0, 256, chunk):
        part = words[start:start + chunk]
        assert probe.transfer((AP_W_CSW, CSW_WORD_INC), (AP_W_TAR, SRAM + 4 * start))[:2] == (2, OK)
        assert probe.block(AP_W_DRW, words=part) == (len(part), OK, [])
    back = []
    for start in range(0, 256, chunk):
        probe.transfer((AP_W_TAR, SRAM + 4 * start))
        count, ack, data = probe.block(AP_R_DRW, count=min(chunk, 256 - start))
        assert (count, ack) == (len(data), OK)
        back += data
    assert back == words
    assert probe.board.chip.bus.read(SRAM + 4 * 255, 4) == struct.pack("<I", words[255])  # really in SRAM


def test_a_response_too_big_for_the_packet_is_refused():
    probe = connected("stm32f103c8")
    assert probe.cmd(0x06, 0, struct.pack("<H", 200), AP_R_DRW) == b"\xff"  # 804 bytes > 512


@pytest.mark.parametrize("chip", CHIPS)
def test_value_match_waits_for_s_halt(chip):
    probe = connected(chip)
    assert probe.write_word(DHCSR, DBGKEY | 0x3)[:2] == (3, OK)  # C_DEBUGEN | C_HALT
    count, ack, data = probe.transfer((AP_W_TAR, DHCSR), (DP_W_ABORT | MATCH_MASK, S_HALT),
                                      (AP_R_DRW | MATCH_VALUE, S_HALT))
    assert (count, ack, data) == (3, OK, [])  # a value-match read returns no data
    assert probe.board.core.is_halted


def test_value_mismatch_is_flagged_after_the_match_retries():
    probe = connected("stm32f103c8")
    probe.cmd(0x04, 0, struct.pack("<HH", 10, 3))
    count, ack, _ = probe.transfer((AP_W_TAR, DHCSR), (MATCH_MASK, S_HALT), (AP_R_DRW | MATCH_VALUE, S_HALT),
                                   (DP_R_CTRL, None))
    assert (count, ack) == (2, OK | MISMATCH)  # running core: never halted; the transfer stops there


@pytest.mark.parametrize("chip", CHIPS)
def test_fault_on_an_unmapped_read_is_reported_and_cleared_by_write_abort(chip):
    probe = connected(chip)
    count, ack, data = probe.read_word(0x60000000)
    assert ack == FAULT and data == []
    ctrl = probe.transfer((DP_R_CTRL, None))[2][0]
    assert ctrl & STICKYERR
    assert probe.transfer((AP_R_IDR, None))[1] == FAULT  # sticky error: the AP stays refused
    assert probe.cmd(0x08, 0, struct.pack("<I", 0x1E)) == b"\x08\x00"
    assert not probe.transfer((DP_R_CTRL, None))[2][0] & STICKYERR
    assert probe.read_word(0xE000ED00) == (4, OK, [CPUID[chip]])


def test_a_faulting_last_write_is_reported_by_the_probe_s_closing_rdbuff_read():
    probe = connected("stm32f072rb")
    assert probe.write_word(0x60000000, 0x1234) == (3, FAULT, [])  # each write was acknowledged OK itself
    assert probe.cmd(0x08, 0, struct.pack("<I", 0x1E)) == b"\x08\x00"
    assert probe.write_word(SRAM, 0x1234) == (3, OK, [])


# -- JTAG (STM32F103: JTAG-DP nearest TDO, then the boundary-scan TAP) ------------------------------------------
def jtag_probe() -> Probe:
    probe = Probe("stm32f103c8")
    assert probe.cmd(0x02, 2) == b"\x02\x02"
    return probe


def jtag_seq(probe: Probe, *sequences: tuple[int, int, bool, int]) -> bytes:
    """(TCK count, TMS, capture, TDI bits) each -> DAP_JTAG_Sequence; returns the captured TDO bytes."""
    body = b"".join(bytes([(n & 0x3F) | (tms << 6) | (cap << 7)]) + tdi.to_bytes((n + 7) // 8, "little")
                    for n, tms, cap, tdi in sequences)
    reply = probe.cmd(0x14, len(sequences), body)
    assert reply[:2] == b"\x14\x00"
    return reply[2:]


def test_jtag_sequence_resets_and_scans_out_both_idcodes():
    probe = jtag_probe()
    tdo = jtag_seq(probe, (5, 1, False, 0), (1, 0, False, 0), (1, 1, False, 0), (2, 0, False, 0),
                   (64, 0, True, (1 << 64) - 1), (1, 1, False, 1))
    words = struct.unpack("<2I", tdo[:8])
    assert words == (JTAG_DP_F103, BOUNDARY_SCAN_F103)  # the TAP nearest TDO shifts out first


def test_jtag_idcode_by_device_index():
    probe = jtag_probe()
    assert probe.cmd(0x16, 0) == b"\x16\xff" + bytes(4)  # chain not configured yet
    assert probe.cmd(0x15, 2, 4, 5) == b"\x15\x00"
    assert probe.cmd(0x16, 0) == b"\x16\x00" + struct.pack("<I", JTAG_DP_F103)
    assert probe.cmd(0x16, 1) == b"\x16\x00" + struct.pack("<I", BOUNDARY_SCAN_F103)


def test_jtag_transfers_reach_the_dp_and_the_ahb_ap_at_the_configured_index():
    probe = jtag_probe()
    jtag_seq(probe, (5, 1, False, 0), (1, 0, False, 0))  # Test-Logic-Reset, Run-Test/Idle
    probe.cmd(0x15, 2, 4, 5)  # index 0: the JTAG-DP (IR 4) nearest TDO; index 1: boundary scan (IR 5)
    assert probe.transfer((DP_R_IDCODE, None)) == (1, OK, [JTAG_DP_F103])
    assert probe.power_up() & 0xF0000000 == 0xF0000000
    assert probe.read_word(0xE000ED00) == (4, OK, [CPUID["stm32f103c8"]])
    assert probe.transfer((DP_R_IDCODE, None), index=1)[1] == NO_ACK  # the boundary-scan TAP is no DP
    assert probe.transfer((DP_R_IDCODE, None), index=2) == (0, 0, [])  # not in the configured chain


def test_jtag_ir_lengths_decide_where_the_instruction_lands():
    probe = jtag_probe()
    jtag_seq(probe, (5, 1, False, 0), (1, 0, False, 0))
    probe.cmd(0x15, 2, 5, 4)  # wrong way round: DPACC never reaches the JTAG-DP
    assert probe.transfer((DP_R_IDCODE, None), index=1)[1] != OK


def test_jtag_block_transfer_and_abort():
    probe = jtag_probe()
    jtag_seq(probe, (5, 1, False, 0), (1, 0, False, 0))
    probe.cmd(0x15, 2, 4, 5)
    probe.cmd(0x04, 2, struct.pack("<HH", 0, 0))  # two idle cycles after each scan
    probe.power_up()
    words = list(range(1000, 1016))
    probe.transfer((AP_W_CSW, CSW_WORD_INC), (AP_W_TAR, SRAM + 0x100))
    assert probe.block(AP_W_DRW, words=words) == (16, OK, [])
    probe.transfer((AP_W_TAR, SRAM + 0x100))
    assert probe.block(AP_R_DRW, count=16) == (16, OK, words)
    probe.read_word(0x60000000)
    assert probe.transfer((DP_R_CTRL, None))[2][0] & STICKYERR  # JTAG reports faults through CTRL/STAT
    assert probe.cmd(0x08, 0, struct.pack("<I", 0x1E)) == b"\x08\x00"
    assert not probe.transfer((DP_R_CTRL, None))[2][0] & STICKYERR


def test_jtag_reaches_the_taps_only_while_the_swj_dp_has_jtag_selected():
    probe = Probe("stm32f103c8")
    probe.swd_connect()
    probe.cmd(0x02, 2)
    probe.cmd(0x15, 2, 4, 5)
    assert probe.cmd(0x16, 0) == b"\x16\x00" + b"\xff" * 4  # in SWD mode TDO floats
    assert probe.cmd(0x12, 56, b"\xff" * 7) == b"\x12\x00"
    assert probe.cmd(0x12, 16, struct.pack("<H", 0xE73C)) == b"\x12\x00"  # SWD-to-JTAG
    jtag_seq(probe, (5, 1, False, 0), (1, 0, False, 0))
    assert probe.cmd(0x16, 0) == b"\x16\x00" + struct.pack("<I", JTAG_DP_F103)
    assert probe.transfer((DP_R_IDCODE, None)) == (1, OK, [JTAG_DP_F103])


def test_jtag_without_a_chain_gets_no_ack():
    probe = Probe("stm32f072rb")
    probe.cmd(0x02, 2)
    probe.cmd(0x15, 1, 4)
    assert probe.transfer((DP_R_IDCODE, None))[1] == NO_ACK


# -- atomic commands ---------------------------------------------------------------------------------------------
def test_execute_commands_concatenates_the_responses():
    probe = Probe("stm32f103c8")
    pins = bytes([0x10, 0x80, 0x80]) + struct.pack("<I", 0)
    reply = probe.model.execute(bytes([0x7F, 3]) + pins + b"\x09\x01\x00" + b"\x00\xfe")
    assert reply[:2] == b"\x7f\x03"
    assert reply[2] == 0x10 and reply[4:6] == b"\x09\x00" and reply[6:] == b"\x00\x01\x08"
    stopped = probe.model.execute(bytes([0x7F, 3]) + b"\x03" + b"\x55" + b"\x03")
    assert stopped == b"\x7f\x02\x03\x00\xff"  # an unknown command ends the packet


def test_queue_commands_hold_packets_until_a_plain_one():
    probe = Probe("stm32f103c8")
    queue = CommandQueue(probe.model)
    assert queue.receive(bytes([0x7E, 1, 0x10, 0x00, 0x80]) + bytes(4)) == []
    assert probe.resets == []  # queued, not run
    assert queue.receive(bytes([0x7E, 1, 0x10, 0x80, 0x80]) + bytes(4)) == []
    replies = queue.receive(b"\x00\xfe")
    assert [r[:3] for r in replies] == [b"\x7f\x01\x10", b"\x7f\x01\x10", b"\x00\x01\x08"]
    assert probe.resets == [True, False]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(lambda command, rest: bytes([command]) + rest,
                          st.sampled_from([*range(0x0B), *range(0x10, 0x17), 0x1D, 0x7E, 0x7F, 0xFF]),
                          st.binary(max_size=80)), min_size=1, max_size=6))
def test_any_packets_get_a_response_and_never_an_exception(packets):
    probe = Probe("stm32f103c8", packet_size=64)
    probe.swd_connect()
    for packet in packets:
        reply = probe.model.execute(packet)
        assert isinstance(reply, bytes) and len(reply) <= 64
        assert reply == b"" or reply[0] in (packet[0], 0xFF, 0x7F)


# -- TCP ---------------------------------------------------------------------------------------------------------
class CountingLock:
    def __init__(self) -> None:
        self.entered = 0

    def __enter__(self) -> None:
        self.entered += 1

    def __exit__(self, *exc) -> None:
        pass


def start_server(probe: Probe, clients: int, lock=None) -> tuple[int, threading.Thread]:
    ready = threading.Event()
    port: list[int] = []
    thread = threading.Thread(target=serve, args=(probe.model, 0),
                              kwargs=dict(ready=lambda p: (port.append(p), ready.set()), max_clients=clients,
                                          lock=lock), daemon=True)
    thread.start()
    assert ready.wait(5)
    return port[0], thread


def recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        more = sock.recv(n - len(data))
        assert more, "server closed the connection"
        data += more
    return data


def ask(sock: socket.socket, payload: bytes, *, trickle: bool = False) -> bytes:
    packet = frame(payload, REQUEST)
    if trickle:
        for i in range(len(packet)):
            sock.sendall(packet[i:i + 1])
    else:
        sock.sendall(packet)
    return receive(sock)


def receive(sock: socket.socket) -> bytes:
    signature, length, kind, _ = HEADER.unpack(recv_exact(sock, HEADER.size))
    assert (signature, kind) == (SIGNATURE, RESPONSE)
    return recv_exact(sock, length)


def hung_up(sock: socket.socket) -> bool:
    sock.settimeout(5)
    try:
        return sock.recv(100) == b""
    except ConnectionResetError:  # closed with our bytes unread: a reset instead of a FIN
        return True


def dpidr_over(sock: socket.socket) -> bytes:
    assert ask(sock, b"\x02\x01") == b"\x02\x01"
    for count, data in ((56, b"\xff" * 7), (16, struct.pack("<H", 0xE79E)), (56, b"\xff" * 7), (8, b"\0")):
        assert ask(sock, bytes([0x12, count]) + data) == b"\x12\x00"
    return ask(sock, bytes([0x05, 0, 1, DP_R_IDCODE]))


def test_tcp_client_dropping_mid_packet_and_a_garbage_client_leave_the_server_serving():
    probe = Probe("stm32f103c8")
    lock = CountingLock()
    port, thread = start_server(probe, clients=3, lock=lock)
    expected = b"\x05\x01\x01" + struct.pack("<I", DPIDR["stm32f103c8"])

    with socket.create_connection(("127.0.0.1", port)) as first:
        assert ask(first, b"\x00\x04", trickle=True) == b"\x00\x062.1.1\0"  # split across many segments
        assert dpidr_over(first) == expected
        first.sendall(frame(bytes([0x05, 0, 1, DP_R_IDCODE]), REQUEST)[:10])  # header and half the payload
    with socket.create_connection(("127.0.0.1", port)) as garbage:
        garbage.sendall(b"GET / HTTP/1.0\r\n\r\n" + bytes(range(256)))
        assert hung_up(garbage)  # bad signature: the server hangs up
    with socket.create_connection(("127.0.0.1", port)) as second:
        assert dpidr_over(second) == expected
        assert ask(second, b"\x42") == b"\xff"
    thread.join(5)
    assert not thread.is_alive()
    assert lock.entered >= 2 * 6 + 2  # every packet executed under the lock


def test_tcp_oversize_length_and_queued_packets():
    probe = Probe("stm32f401cc", packet_size=64)
    port, thread = start_server(probe, clients=2)
    with socket.create_connection(("127.0.0.1", port)) as big:
        big.sendall(struct.pack("<IHBB", SIGNATURE, 65, REQUEST, 0) + bytes(65))
        assert hung_up(big)
    with socket.create_connection(("127.0.0.1", port)) as client:
        client.sendall(frame(bytes([0x7E, 1, 0x00, 0xFE]), REQUEST))   # queued: no answer yet
        assert ask(client, b"\x00\xff") == b"\x7f\x01\x00\x01\x08"      # the queued packet's answer comes first
        assert receive(client) == b"\x00\x02" + struct.pack("<H", 64)
    thread.join(5)
    assert not thread.is_alive()
