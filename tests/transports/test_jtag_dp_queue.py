"""JtagDpQueue on the simulator's JTAG-DP, clocked through the scan chain: posted reads, SELECT, sticky flags
named in errors, and WAIT retries (with a JTAG-DP that is slow to finish its AP accesses)."""
from __future__ import annotations

import pytest

from ocdpy.adapters.dap_queue import DP_CTRL_STAT, TransferError
from ocdpy.sim.dap import STICKYORUN, BusFault
from ocdpy.sim.jtag_tap import BoundaryScanTap, JtagDpTap, ScanChain
from ocdpy.transports.jtag_chain import JtagChain
from ocdpy.transports.jtag_dp import ACK_WAIT, ORUNDETECT, JtagDpQueue

from test_jtag_chain import F1_TAPS, ChainShifter, sim_chain, taps

CSW, TAR, DRW = 0x00, 0x04, 0x0C


class Ram:
    """A word bus: RAM below 0x60000000, nothing above."""

    def __init__(self) -> None:
        self.words: dict[int, int] = {}

    def read(self, address: int, size: int) -> int:
        if address >= 0x60000000:
            raise BusFault()
        return self.words.get(address, 0)

    def write(self, address: int, size: int, value: int) -> None:
        if address >= 0x60000000:
            raise BusFault()
        self.words[address] = value


class SlowDpTap(JtagDpTap):
    """A JTAG-DP whose every AP access keeps it busy for `busy` more scans, answering WAIT meanwhile and
    ignoring those scans' requests (ADIv5 B3). With ORUNDETECT a WAIT sets STICKYORUN, and the DP ignores
    every access but CTRL/STAT until it is cleared."""

    busy = 2

    def __init__(self, idcode: int, dp) -> None:
        super().__init__(idcode, dp)
        self.left = 0
        self.waits = 0

    def capture_dr(self) -> int:
        self._ignore = self.ir in (self.DPACC, self.APACC) and self.left > 0
        if self._ignore:
            self.left -= 1
            self.waits += 1
            if self.dp.ctrl_stat & ORUNDETECT:
                self.dp.ctrl_stat |= STICKYORUN
            return ACK_WAIT
        return super().capture_dr()

    def update_dr(self, value: int) -> None:
        to_ctrl_stat = self.ir == self.DPACC and (value >> 1) & 3 == 1
        if self._ignore or (self.dp.ctrl_stat & STICKYORUN and not to_ctrl_stat):
            return
        if self.ir == self.APACC:
            self.left = self.busy
        super().update_dr(value)


def queue(chain_model: ScanChain) -> tuple[JtagDpQueue, ChainShifter]:
    shifter = ChainShifter(chain_model)
    chain = JtagChain(shifter, taps(*F1_TAPS))
    assert chain.examine()
    q = JtagDpQueue(chain, chain.taps[0])
    assert q.connect() == 0x3BA00477
    q.write_dp(DP_CTRL_STAT, 0x50000000)
    status = q.read_dp(DP_CTRL_STAT)
    q.write_ap(0, CSW, 0x23000012)
    q.flush()
    assert status.value & 0xA0000000 == 0xA0000000
    return q, shifter


def ram_chain(tap_class=JtagDpTap):
    from ocdpy.sim.dap import AhbAp, DebugPort
    ram = Ram()
    dp = DebugPort(0x3BA00477, AhbAp(ram, 0x24770011, 0xE00FF000))
    return ScanChain([BoundaryScanTap(0x06410041), tap_class(0x3BA00477, dp)]), ram


def test_a_batch_of_posted_reads_is_one_shift_and_each_read_gets_its_own_data():
    model, ram = ram_chain()
    q, shifter = queue(model)
    q.write_ap(0, TAR, 0x20000000)
    q.write_ap_block(0, DRW, [0x1000 + i for i in range(64)])
    q.write_ap(0, TAR, 0x20000000)
    values = q.read_ap_block(0, DRW, 64)
    idr = q.read_ap(0, 0xFC)  # another bank: SELECT written first
    calls = shifter.calls
    q.flush()
    assert shifter.calls == calls + 1
    assert [v.value for v in values] == [0x1000 + i for i in range(64)]
    assert idr.value == 0x24770011 and ram.words[0x200000FC] == 0x103F


def test_a_bus_fault_names_the_access_and_clears_the_sticky_flag():
    model, _ = ram_chain()
    q, _ = queue(model)
    q.write_ap(0, TAR, 0x60000000)
    q.read_ap(0, DRW)
    with pytest.raises(TransferError, match=r"JTAG-DP AP0 read 0x0c failed \(CTRL/STAT 0x\w+: STICKYERR"):
        q.flush()
    q.write_ap(0, TAR, 0x20000010)
    q.write_ap(0, DRW, 0x5A5A)
    q.write_ap(0, TAR, 0x20000010)
    back = q.read_ap(0, DRW)
    q.flush()
    assert back.value == 0x5A5A


def test_wait_answers_are_retried_until_the_access_is_taken():
    model, ram = ram_chain(SlowDpTap)
    q, _ = queue(model)
    q.write_ap(0, TAR, 0x20000000)
    q.write_ap_block(0, DRW, [7, 8, 9])
    q.write_ap(0, TAR, 0x20000000)
    values = q.read_ap_block(0, DRW, 3)
    q.flush()
    assert [v.value for v in values] == [7, 8, 9]
    assert [ram.words[0x20000000 + 4 * i] for i in range(3)] == [7, 8, 9]
    assert model.devices[1].waits > 0


def test_a_dp_that_never_finishes_gives_up_with_a_plain_error():
    model, _ = ram_chain(SlowDpTap)
    q, _ = queue(model)
    SlowDpTap.busy = 10 ** 6
    try:
        q.write_ap(0, TAR, 0x20000000)
        q.read_ap(0, DRW)
        with pytest.raises(TransferError, match="answered WAIT 100 times"):
            q.flush()
    finally:
        SlowDpTap.busy = 2


def test_a_tap_that_is_no_jtag_dp_gives_an_invalid_ack():
    chain = JtagChain(ChainShifter(sim_chain("stm32f103c8")), taps(*F1_TAPS))
    assert chain.examine()
    q = JtagDpQueue(chain, chain.taps[1])  # the boundary-scan TAP
    with pytest.raises(TransferError, match=r"DP read 0x04 failed: invalid ACK 0b\d{3} from stm32f1x.bs"):
        q.connect()
