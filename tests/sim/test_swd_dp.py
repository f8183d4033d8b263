"""The SW-DP model driven as hosts drive it: through its packet interface (`sequence`/`transfer`, what the
CMSIS-DAP probe model uses) and bit by bit through remote_bitbang's SWD letters, clocked the way OpenOCD's
bitbang driver clocks them. Every protocol rule is checked through both."""
from __future__ import annotations

import socket
import threading
import time
from unittest.mock import MagicMock

import pytest

pytest.importorskip("unicorn", reason="the simulated boards need unicorn (pip install unicorn==2.1.4)",
                    exc_type=ImportError)

from ocdpy.sim.board import Board  # noqa: E402
from ocdpy.sim.dap import (CDBGPWRUPACK, CDBGPWRUPREQ, CSYSPWRUPACK, CSYSPWRUPREQ, READOK, STICKYERR,  # noqa: E402
                           WDATAERR, AhbAp, DebugPort)
from ocdpy.sim.debug_port import BoardDebugPort  # noqa: E402
from ocdpy.sim.rbb_server import BitbangSession, serve, sleep_time  # noqa: E402
from ocdpy.sim.swd_dp import SwDp  # noqa: E402

OK, FAULT, NO_ACK = 1, 4, 7
CHIPS = ("stm32f072rb", "stm32f103c8", "stm32f401cc")
DPIDR = {"stm32f072rb": 0x0BB11477, "stm32f103c8": 0x1BA01477, "stm32f401cc": 0x2BA01477}
CPUID = {"stm32f072rb": 0x410CC200, "stm32f103c8": 0x411FC231, "stm32f401cc": 0x410FC241}
LINE_RESET = ((1 << 56) - 1, 56)
JTAG_TO_SWD = (0xE79E, 16)
SWD_TO_JTAG = (0xE73C, 16)
SWD_TO_DORMANT = (0xE3BC, 16)
IDLE = (0, 8)
JTAG_TO_DORMANT = (0x33BBBBBA << 8 | 0xFF, 39)   # 8 cycles TMS high, then the 31-bit sequence
SELECTION_ALERT = 0x19BC0EA2_E3DDAFE9_86852D95_6209F392
DORMANT_TO_SWD = (0x1A << 140 | SELECTION_ALERT << 8 | 0xFF, 148)  # 8 high, alert, 4 low, activation code
CTRL_STAT, SELECT, RDBUFF, ABORT = 0x4, 0x8, 0xC, 0x0
CSW, TAR, DRW = 0x00, 0x04, 0x0C
CSW_WORD_INC = 0x23000012
POWER_UP = CSYSPWRUPREQ | CDBGPWRUPREQ
STKERRCLR, WDERRCLR = 1 << 2, 1 << 3
SRAM, UNMAPPED = 0x20000000, 0x60000000


def req(is_ap: bool, read: bool, address: int) -> int:
    """The request byte as on the wire: start, APnDP, RnW, A[2:3], parity, stop, park."""
    fields = is_ap | read << 1 | ((address >> 2) & 3) << 2
    return 0x81 | fields << 1 | (bin(fields).count("1") & 1) << 5


class RbbHost:
    """A host clocking SWD through remote_bitbang letters as OpenOCD's bitbang driver does: each bit with
    SWCLK low (sampling SWDIO there with `c` when reading), then SWCLK high. `full_data_phase`: clock the
    data phase after WAIT/FAULT too, as OpenOCD does (a host for overrun detection must)."""

    def __init__(self, session: BitbangSession, full_data_phase: bool = False) -> None:
        self.session = session
        self.full_data_phase = full_data_phase
        self.turnaround = 1

    def _send(self, letters: bytes) -> bytes:
        reply, _ = self.session.feed(letters)
        return reply

    def sequence(self, bits: int, count: int) -> None:
        letters = bytearray(b"O")
        for i in range(count):
            bit = (bits >> i) & 1
            letters += bytes((0x64 + bit, 0x66 + bit))  # 'd'/'e' SWCLK low, then 'f'/'g' SWCLK high
        self._send(bytes(letters))

    def _read(self, count: int) -> int:
        reply = self._send(b"o" + b"dcf" * count)
        return sum((ch - 0x30) << i for i, ch in enumerate(reply))

    def transfer(self, request: int, wdata: int | None = None, *,
                 wdata_parity_ok: bool = True) -> tuple[int, int | None]:
        t = self.turnaround
        self.sequence(request, 8)
        if request & 0x4:  # read: turnaround, ACK, data, parity, turnaround
            ack = self._read(t + 3) >> t
            data = None
            if ack == OK or self.full_data_phase:
                word = self._read(33 + t) & ((1 << 33) - 1)
                if ack == OK:
                    data = word & 0xFFFFFFFF
                    assert word >> 32 == bin(data).count("1") & 1, "read data parity"
            else:
                self._read(t)
            self._send(b"O")
            return ack, data
        ack = (self._read(t + 3 + t) >> t) & 7  # write: turnaround, ACK, turnaround, then the host's data
        if ack == OK or self.full_data_phase:
            value = (wdata or 0) & 0xFFFFFFFF
            parity = (bin(value).count("1") & 1) ^ (not wdata_parity_ok)
            self.sequence(value | parity << 32, 33)
        else:
            self._send(b"O")
        return ack, None


def rbb_host(debug: BoardDebugPort) -> RbbHost:
    return RbbHost(BitbangSession(debug.chain, debug.swd))


HOSTS = {"packets": lambda debug: debug.swd, "remote_bitbang": rbb_host}


def board_port(chip: str) -> BoardDebugPort:
    return BoardDebugPort(Board(chip), chip)


def connect(host) -> tuple[int, int | None]:
    for bits, count in (LINE_RESET, JTAG_TO_SWD, LINE_RESET, IDLE):
        host.sequence(bits, count)
    return host.transfer(req(False, True, 0))


def powered(host) -> None:
    assert connect(host)[0] == OK
    assert host.transfer(req(False, False, CTRL_STAT), POWER_UP)[0] == OK
    assert host.transfer(req(False, False, SELECT), 0)[0] == OK
    assert host.transfer(req(True, False, CSW), CSW_WORD_INC)[0] == OK


@pytest.fixture(params=sorted(HOSTS))
def host_kind(request):
    return request.param


@pytest.mark.parametrize("chip", CHIPS)
def test_line_reset_and_jtag_to_swd_then_dpidr_reads_the_chips_dpidr(chip, host_kind):
    host = HOSTS[host_kind](board_port(chip))
    assert connect(host) == (OK, DPIDR[chip])


@pytest.mark.parametrize("chip", ["stm32f103c8", "stm32f401cc"])
def test_swj_dp_answers_nothing_before_the_jtag_to_swd_switch(chip, host_kind):
    host = HOSTS[host_kind](board_port(chip))
    for bits, count in (LINE_RESET, IDLE):
        host.sequence(bits, count)
    assert host.transfer(req(False, True, 0)) == (NO_ACK, None)
    for bits, count in ((0x3FF, 10), JTAG_TO_SWD, LINE_RESET, IDLE):  # the switch wants 50 cycles high first
        host.sequence(bits, count)
    assert host.transfer(req(False, True, 0)) == (NO_ACK, None)
    assert connect(host) == (OK, DPIDR[chip])


def test_sw_dp_only_part_answers_after_a_plain_line_reset(host_kind):
    host = HOSTS[host_kind](board_port("stm32f072rb"))
    for bits, count in (LINE_RESET, IDLE):
        host.sequence(bits, count)
    assert host.transfer(req(False, True, 0)) == (OK, DPIDR["stm32f072rb"])


def test_after_a_line_reset_anything_but_a_dpidr_read_locks_the_port_out(host_kind):
    host = HOSTS[host_kind](board_port("stm32f103c8"))
    connect(host)
    for bits, count in (LINE_RESET, IDLE):
        host.sequence(bits, count)
    assert host.transfer(req(False, True, CTRL_STAT)) == (NO_ACK, None)
    assert host.transfer(req(False, True, 0)) == (NO_ACK, None)     # locked out until the next line reset
    for bits, count in (LINE_RESET, IDLE):
        host.sequence(bits, count)
    assert host.transfer(req(False, True, 0))[0] == OK
    assert host.transfer(req(False, True, CTRL_STAT))[0] == OK


def test_two_idle_cycles_must_follow_the_line_reset(host_kind):
    host = HOSTS[host_kind](board_port("stm32f072rb"))
    host.sequence(*LINE_RESET)
    host.sequence(0, 1)
    assert host.transfer(req(False, True, 0))[0] != OK
    host.sequence(*LINE_RESET)
    host.sequence(0, 2)
    assert host.transfer(req(False, True, 0))[0] == OK


def test_the_ones_a_write_ends_with_count_towards_a_line_reset(host_kind):
    host = HOSTS[host_kind](board_port("stm32f072rb"))
    powered(host)
    assert host.transfer(req(True, False, TAR), 0xFFFFFFFE)[0] == OK  # data and parity end in 32 ones
    host.sequence((1 << 18) - 1, 18)
    host.sequence(0, 2)
    assert host.transfer(req(False, True, 0)) == (OK, DPIDR["stm32f072rb"])  # else 18 ones: a bad request


@pytest.mark.parametrize("chip", CHIPS)
def test_power_up_handshake_through_ctrl_stat(chip, host_kind):
    host = HOSTS[host_kind](board_port(chip))
    connect(host)
    assert host.transfer(req(False, True, CTRL_STAT)) == (OK, 0)
    assert host.transfer(req(False, False, CTRL_STAT), POWER_UP) == (OK, None)
    ack, ctrl = host.transfer(req(False, True, CTRL_STAT))
    assert ack == OK and ctrl & (CSYSPWRUPACK | CDBGPWRUPACK) == CSYSPWRUPACK | CDBGPWRUPACK


@pytest.mark.parametrize("chip", CHIPS)
def test_ap_reads_are_posted_cpuid_arrives_with_the_next_read_or_rdbuff(chip, host_kind):
    host = HOSTS[host_kind](board_port(chip))
    powered(host)
    assert host.transfer(req(True, False, TAR), 0xE000ED00)[0] == OK
    assert host.transfer(req(True, True, DRW)) == (OK, 0)          # the previous AP read's data: none yet
    assert host.transfer(req(False, True, RDBUFF)) == (OK, CPUID[chip])
    assert host.transfer(req(False, True, CTRL_STAT))[1] & READOK  # DP reads leave the posted data alone
    assert host.transfer(req(False, False, CTRL_STAT), POWER_UP)[0] == OK
    assert host.transfer(req(False, True, CTRL_STAT))[1] & READOK  # read-only: a CTRL/STAT write keeps it
    assert host.transfer(req(False, True, SELECT)) == (OK, CPUID[chip])  # RESEND: the last read's data again
    assert host.transfer(req(False, True, RDBUFF)) == (OK, CPUID[chip])
    assert host.transfer(req(True, True, TAR)) == (OK, CPUID[chip])   # the previous AP read's data
    assert host.transfer(req(False, True, RDBUFF)) == (OK, 0xE000ED04)  # TAR, after DRW's auto-increment


@pytest.mark.parametrize("chip", CHIPS)
def test_sram_written_and_read_back_through_tar_and_drw(chip, host_kind):
    debug = board_port(chip)
    host = HOSTS[host_kind](debug)
    powered(host)
    words = [0xCAFEF00D, 0x12345678, 0x0BADBEEF]
    host.transfer(req(True, False, TAR), SRAM + 0x100)
    for w in words:
        assert host.transfer(req(True, False, DRW), w) == (OK, None)
    assert [debug.dp.ap.bus.read(SRAM + 0x100 + 4 * i, 4) for i in range(3)] == words
    host.transfer(req(True, False, TAR), SRAM + 0x100)
    back = [host.transfer(req(True, True, DRW))[1] for _ in words][1:] + [host.transfer(req(False, True, RDBUFF))[1]]
    assert back == words


@pytest.mark.parametrize("chip", CHIPS)
def test_unmapped_read_sets_stickyerr_and_ap_accesses_fault_until_abort(chip, host_kind):
    host = HOSTS[host_kind](board_port(chip))
    powered(host)
    host.transfer(req(True, False, TAR), UNMAPPED)
    assert host.transfer(req(True, True, DRW))[0] == OK            # posted: the error shows afterwards
    assert host.transfer(req(True, True, DRW)) == (FAULT, None)
    assert host.transfer(req(True, False, TAR), SRAM)[0] == FAULT
    assert host.transfer(req(False, True, RDBUFF))[0] == FAULT
    assert host.transfer(req(False, True, 0)) == (OK, DPIDR[chip])  # DPIDR, CTRL/STAT and ABORT still answer
    ack, ctrl = host.transfer(req(False, True, CTRL_STAT))
    assert ack == OK and ctrl & STICKYERR and not ctrl & READOK
    assert host.transfer(req(False, False, CTRL_STAT), POWER_UP | STICKYERR)[0] == FAULT  # not how SWD clears
    assert host.transfer(req(False, False, ABORT), STKERRCLR) == (OK, None)
    assert not host.transfer(req(False, True, CTRL_STAT))[1] & STICKYERR
    assert host.transfer(req(True, False, TAR), SRAM)[0] == OK


@pytest.mark.parametrize("flip", [1 << 5, 1 << 6, 1 << 7], ids=["parity", "stop", "park"])
def test_malformed_request_gets_no_answer_until_a_line_reset(flip, host_kind):
    host = HOSTS[host_kind](board_port("stm32f401cc"))
    connect(host)
    assert host.transfer(req(False, True, CTRL_STAT) ^ flip) == (NO_ACK, None)
    assert host.transfer(req(False, True, 0)) == (NO_ACK, None)
    assert connect(host)[0] == OK


def test_write_data_with_bad_parity_is_dropped_and_sets_wdataerr(host_kind):
    debug = board_port("stm32f103c8")
    host = HOSTS[host_kind](debug)
    powered(host)
    host.transfer(req(True, False, TAR), SRAM)
    assert host.transfer(req(True, False, TAR), SRAM + 0x40, wdata_parity_ok=False) == (OK, None)
    assert debug.dp.ap.tar == SRAM
    assert host.transfer(req(True, True, CSW))[0] == FAULT
    assert host.transfer(req(False, True, CTRL_STAT))[1] & WDATAERR
    assert host.transfer(req(False, False, ABORT), WDERRCLR)[0] == OK
    assert host.transfer(req(True, True, CSW))[0] == OK


@pytest.mark.parametrize("faulted", ["read", "write"])
@pytest.mark.parametrize("overrun_detection", [False, True])
def test_after_fault_the_data_phase_is_clocked_only_with_overrun_detection(overrun_detection, faulted):
    """OpenOCD's bitbang driver clocks the data phase after FAULT too; a target without ORUNDETECT takes
    those cycles (the pull-up, or the host's data) as new requests and locks out."""
    host = RbbHost(BitbangSession(None, board_port("stm32f072rb").swd))
    powered(host)
    host.transfer(req(False, False, CTRL_STAT), POWER_UP | overrun_detection)
    host.transfer(req(True, False, TAR), UNMAPPED)
    host.transfer(req(True, True, DRW))
    host.full_data_phase = True
    if faulted == "read":
        assert host.transfer(req(True, True, DRW)) == (FAULT, None)
    else:
        assert host.transfer(req(True, False, DRW), 0xFFFFFFFF) == (FAULT, None)
    answer = host.transfer(req(False, True, CTRL_STAT))
    assert answer[0] == (OK if overrun_detection else NO_ACK)


def test_turnaround_follows_dlcr():
    debug = board_port("stm32f072rb")
    host = rbb_host(debug)
    connect(host)
    host.transfer(req(False, False, SELECT), 1)         # CTRLSEL: DLCR (WCR) at 0x4
    assert host.transfer(req(False, True, CTRL_STAT)) == (OK, 0x40)
    host.transfer(req(False, False, CTRL_STAT), 1 << 8)  # TURNROUND: 2 cycles
    late = 0b011  # a host still turning the line round in one cycle reads the pull-up, then ACK bits 0 and 1
    assert host.transfer(req(False, True, 0))[0] == late
    assert connect(host)[0] == late                      # a line reset keeps DLCR
    host.turnaround = 2
    assert connect(host) == (OK, DPIDR["stm32f072rb"])
    assert debug.swd.transfer(req(False, True, CTRL_STAT)) == (OK, 0x140)


def test_ctrlsel_banks_on_dpv1_and_dpbanksel_reaches_targetid_and_dlpidr_on_dpv2():
    v1 = board_port("stm32f072rb").swd
    connect(v1)
    v1.transfer(req(False, False, SELECT), 2)  # DPv1 has CTRLSEL only: bank 2 is still CTRL/STAT
    v1.transfer(req(False, False, CTRL_STAT), CDBGPWRUPREQ)
    assert v1.transfer(req(False, True, CTRL_STAT))[1] & CDBGPWRUPACK
    v2 = SwDp(DebugPort(0x0BC12477, AhbAp(None, 0, 0)), starts_in_jtag=False, targetid=0x01002927)
    connect(v2)
    got = {}
    for bank in range(4):
        v2.transfer(req(False, False, SELECT), bank)
        got[bank] = v2.transfer(req(False, True, CTRL_STAT))[1]
    assert got == {0: 0, 1: 0x40, 2: 0x01002927, 3: 0x1}


def test_dormant_state_path_where_the_port_implements_it():
    dp = DebugPort(0x2BA01477, AhbAp(None, 0, 0))
    swd = SwDp(dp, starts_in_jtag=True, dormant=True)
    for bits, count in (JTAG_TO_DORMANT, DORMANT_TO_SWD, LINE_RESET, IDLE):
        swd.sequence(bits, count)
    assert swd.mode == "swd" and swd.transfer(req(False, True, 0)) == (OK, 0x2BA01477)
    for bits, count in (LINE_RESET, SWD_TO_DORMANT, DORMANT_TO_SWD, IDLE):  # leaving dormant needs a line reset
        swd.sequence(bits, count)
    assert swd.transfer(req(False, True, 0)) == (NO_ACK, None)
    for bits, count in (LINE_RESET, IDLE):
        swd.sequence(bits, count)
    assert swd.transfer(req(False, True, 0))[0] == OK
    old = board_port("stm32f103c8").swd  # an SWJ-DP from before ADIv5.2 stays in JTAG mode
    for bits, count in (JTAG_TO_DORMANT, DORMANT_TO_SWD, LINE_RESET, IDLE):
        old.sequence(bits, count)
    assert old.jtag_selected and old.transfer(req(False, True, 0)) == (NO_ACK, None)


def test_swd_to_jtag_and_back_keeps_one_dp_state():
    debug = board_port("stm32f103c8")
    swd = debug.swd
    jtag_dp = debug.chain.devices[1].dp
    jtag_dp.dp_write(CTRL_STAT, POWER_UP)           # powered up over JTAG ...
    assert connect(swd)[0] == OK and not swd.jtag_selected
    assert swd.transfer(req(False, True, CTRL_STAT))[1] & CDBGPWRUPACK  # ... still powered over SWD
    swd.sequence(*LINE_RESET)
    swd.sequence(*SWD_TO_JTAG)
    assert swd.jtag_selected and swd.transfer(req(False, True, 0)) == (NO_ACK, None)
    assert jtag_dp.dp_read(0) == 0x3BA00477         # the JTAG-DP names itself by its JTAG IDCODE


def test_jtag_letters_reach_the_chain_only_while_the_swj_dp_is_in_jtag_mode():
    debug = board_port("stm32f103c8")
    session = BitbangSession(debug.chain, debug.swd)
    session.feed(b"26" * 5 + b"04" + b"26" + b"04" * 2)  # Test-Logic-Reset, Run-Test/Idle, Select-DR, Shift-DR
    assert debug.chain.state == 4                        # Shift-DR
    connect(RbbHost(session))                            # the switch leaves the TAP in Test-Logic-Reset
    session.feed(b"2604")                                # which TMS 1, 0 would leave if they reached it
    assert debug.chain.state == 0


def test_c_reads_the_pull_up_when_nobody_drives_swdio():
    session = BitbangSession(None, board_port("stm32f072rb").swd)
    assert session.feed(b"dc") == (b"0", False)   # the host drives 0
    assert session.feed(b"oc") == (b"1", False)   # released: the pull-up
    assert session.feed(b"R") == (b"0", False)    # no scan chain on this part


def test_remote_sleep_letters():
    assert sleep_time(b"ZZz") == pytest.approx(0.002001)


def test_serve_answers_swd_over_tcp_and_sleeps_without_the_board_lock():
    debug = board_port("stm32f072rb")
    ready = threading.Event()
    port = []
    lock = MagicMock()
    lock.__exit__.return_value = False  # let exceptions through
    server = threading.Thread(target=serve, args=(None, 0), daemon=True,
                              kwargs={"swd": debug.swd, "max_clients": 1, "lock": lock,
                                      "ready": lambda p: (port.append(p), ready.set())})
    server.start()
    assert ready.wait(10)
    letters = RecordingSession()
    host = RbbHost(letters)
    for bits, count in (LINE_RESET, IDLE):
        host.sequence(bits, count)
    letters.sent += b"Z" * 30 + b"z"
    started = time.monotonic()
    host.sequence(req(False, True, 0), 8)
    letters.sent += b"o" + b"dcf" * 38 + b"Q"
    with socket.create_connection(("127.0.0.1", port[0]), timeout=10) as conn:
        conn.sendall(letters.sent)
        reply = b""
        while len(reply) < 38:
            chunk = conn.recv(64)
            assert chunk
            reply += chunk
    server.join(10)
    assert time.monotonic() - started >= 0.03 and lock.__enter__.call_count >= 2  # the lock was let go to sleep
    bits = [ch - 0x30 for ch in reply]
    assert bits[1:4] == [1, 0, 0]
    assert sum(b << i for i, b in enumerate(bits[4:36])) == DPIDR["stm32f072rb"]


class RecordingSession:
    """Stands in for a BitbangSession to collect the letters an RbbHost would send."""

    def __init__(self) -> None:
        self.sent = b""

    def feed(self, data: bytes) -> tuple[bytes, bool]:
        self.sent += data
        return b"", False
