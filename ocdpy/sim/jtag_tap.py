"""IEEE 1149.1 TAP controllers on a scan chain, and the TAPs of an STM32: the ARM JTAG-DP and the
boundary-scan TAP. Driven one TCK edge at a time by a bit-level front end (remote_bitbang)."""
from __future__ import annotations

from .dap import DebugPort

# TAP states
(TLR, RTI, SEL_DR, CAP_DR, SHIFT_DR, EXIT1_DR, PAUSE_DR, EXIT2_DR, UPD_DR,
 SEL_IR, CAP_IR, SHIFT_IR, EXIT1_IR, PAUSE_IR, EXIT2_IR, UPD_IR) = range(16)
# next state for TMS = 0 / TMS = 1
NEXT = {
    TLR: (RTI, TLR), RTI: (RTI, SEL_DR), SEL_DR: (CAP_DR, SEL_IR), CAP_DR: (SHIFT_DR, EXIT1_DR),
    SHIFT_DR: (SHIFT_DR, EXIT1_DR), EXIT1_DR: (PAUSE_DR, UPD_DR), PAUSE_DR: (PAUSE_DR, EXIT2_DR),
    EXIT2_DR: (SHIFT_DR, UPD_DR), UPD_DR: (RTI, SEL_DR), SEL_IR: (CAP_IR, TLR), CAP_IR: (SHIFT_IR, EXIT1_IR),
    SHIFT_IR: (SHIFT_IR, EXIT1_IR), EXIT1_IR: (PAUSE_IR, UPD_IR), PAUSE_IR: (PAUSE_IR, EXIT2_IR),
    EXIT2_IR: (SHIFT_IR, UPD_IR), UPD_IR: (RTI, SEL_DR),
}


class TapDevice:
    """One TAP on the chain: an instruction register and the data register it selects."""

    ir_len = 4
    ir_capture = 0b0001
    bypass = 0xF

    def __init__(self, idcode: int) -> None:
        self.idcode = idcode
        self.ir = 0
        self.reset()

    def reset(self) -> None:
        self.ir = self.idcode_instruction()

    def idcode_instruction(self) -> int:
        return 0xE

    def dr_length(self) -> int:
        return 32 if self.ir == self.idcode_instruction() else 1

    def capture_dr(self) -> int:
        return self.idcode if self.ir == self.idcode_instruction() else 0

    def update_dr(self, value: int) -> None:
        pass


class BoundaryScanTap(TapDevice):
    """The STM32 boundary-scan TAP: 5-bit IR, IDCODE 0b00001; everything else acts as BYPASS here."""

    ir_len = 5
    ir_capture = 0b00001
    bypass = 0x1F

    def idcode_instruction(self) -> int:
        return 0b00001


class JtagDpTap(TapDevice):
    """The ARM JTAG-DP: IR ABORT 0x8, DPACC 0xA, APACC 0xB, IDCODE 0xE, BYPASS 0xF (ADIv5 B3)."""

    ABORT, DPACC, APACC = 0x8, 0xA, 0xB
    ACK_OK_FAULT = 0b010

    def __init__(self, idcode: int, dp: DebugPort) -> None:
        self.dp = dp
        self.result = 0  # data of the previous access, returned by the next capture
        super().__init__(idcode)

    def dr_length(self) -> int:
        if self.ir in (self.ABORT, self.DPACC, self.APACC):
            return 35
        return super().dr_length()

    def capture_dr(self) -> int:
        if self.ir in (self.DPACC, self.APACC):
            return (self.result << 3) | self.ACK_OK_FAULT
        if self.ir == self.ABORT:
            return 0
        return super().capture_dr()

    def update_dr(self, value: int) -> None:
        if self.ir not in (self.ABORT, self.DPACC, self.APACC):
            return
        read = value & 1
        addr = (value >> 1 & 3) << 2
        data = (value >> 3) & 0xFFFFFFFF
        if self.ir == self.ABORT:
            self.dp.abort(data)
        elif self.ir == self.DPACC:
            if read:
                self.result = self.dp.dp_read(addr)
            else:
                self.dp.dp_write(addr, data)
        elif read:
            self.result = self.dp.ap_read(addr)
        else:
            self.dp.ap_write(addr, data)


class ScanChain:
    """TAPs from TDI to TDO, clocked together: the TAP controller is shared, the registers are not."""

    def __init__(self, devices: list[TapDevice]) -> None:
        self.devices = devices  # index 0 is nearest TDI
        self.state = TLR
        self.shift: list[tuple[int, int]] = []  # per device: (register value, length)
        self.tdo = 0

    def clock(self, tms: int, tdi: int) -> None:
        """A rising TCK edge: act in the current state, then move on."""
        state = self.state
        if state == TLR:
            for d in self.devices:
                d.reset()
        elif state == CAP_DR:
            self.shift = [(d.capture_dr(), d.dr_length()) for d in self.devices]
        elif state == CAP_IR:
            self.shift = [(d.ir_capture, d.ir_len) for d in self.devices]
        elif state in (SHIFT_DR, SHIFT_IR):
            carry = tdi
            for i, (value, length) in enumerate(self.shift):
                out = value & 1
                self.shift[i] = ((value >> 1) | (carry << (length - 1)), length)
                carry = out
        elif state == UPD_DR:
            for d, (value, length) in zip(self.devices, self.shift):
                d.update_dr(value & ((1 << length) - 1))
        elif state == UPD_IR:
            for d, (value, length) in zip(self.devices, self.shift):
                d.ir = value & ((1 << length) - 1)
        self.state = NEXT[state][tms & 1]
        in_shift = self.state in (SHIFT_DR, SHIFT_IR)
        self.tdo = self.shift[-1][0] & 1 if in_shift and self.shift else 0

    def reset(self) -> None:
        """TRST: asynchronous return to Test-Logic-Reset."""
        self.state = TLR
        for d in self.devices:
            d.reset()
