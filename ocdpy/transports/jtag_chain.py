"""The JTAG transport: IEEE 1149.1 TAP state machine, IR/DR scans and the chain probe at connect.

A `JtagChain` drives any `JtagShifter` (a bit-bang probe, a probe with a JTAG sequence command, a test
double): every queued scan becomes TMS/TDI bits appended to one vector, and `execute()` sends the whole
vector in one `shift` call, because each call is a round trip to the probe and round trips, not bits, are
what cost time. Bit vectors are Python ints, bit 0 first on the wire.

Chain order is OpenOCD's: the first TAP declared is the one nearest TDO, so its bits come out first and sit
lowest in every vector. TAPs not addressed by a scan get BYPASS (IR all ones, a 1-bit DR).

`examine()` is OpenOCD's `jtag init` check, with its messages: IDCODE/BYPASS scan after Test-Logic-Reset,
the found IDs matched against `-expected-id`, unconfigured TAPs auto-created, then the IR capture check.
"""
from __future__ import annotations

from collections import deque
from functools import cache
from typing import Protocol

from ..errors import OcdError
from ..log import Log
from .jtag import Tap

# TAP controller states (IEEE 1149.1 figure 6-1) and, per state, the next one for TMS = 0 and TMS = 1
(TLR, RTI, SEL_DR, CAP_DR, SHIFT_DR, EXIT1_DR, PAUSE_DR, EXIT2_DR, UPD_DR,
 SEL_IR, CAP_IR, SHIFT_IR, EXIT1_IR, PAUSE_IR, EXIT2_IR, UPD_IR) = range(16)
TRANSITIONS = ((RTI, TLR), (RTI, SEL_DR), (CAP_DR, SEL_IR), (SHIFT_DR, EXIT1_DR), (SHIFT_DR, EXIT1_DR),
               (PAUSE_DR, UPD_DR), (PAUSE_DR, EXIT2_DR), (SHIFT_DR, UPD_DR), (RTI, SEL_DR),
               (CAP_IR, TLR), (SHIFT_IR, EXIT1_IR), (SHIFT_IR, EXIT1_IR), (PAUSE_IR, UPD_IR),
               (PAUSE_IR, EXIT2_IR), (SHIFT_IR, UPD_IR), (RTI, SEL_DR))
TLR_BITS = 5                 # five TMS ones reach Test-Logic-Reset from any state
MAX_AUTO_TAPS = 20           # OpenOCD's JTAG_MAX_AUTO_TAPS: the IDCODE scan has room for this many
END_OF_CHAIN = 0xFFFFFFFF    # what the scan shifts in, so it marks where the chain's own bits end
SWD_TO_JTAG = 0xE73C        # the SWJ-DP select sequence, sent LSB first
IRLEN_MAX = 60               # the longest IR an auto-created TAP may have
# JEP106 (bank = continuation codes, identity) of makers found on Cortex-M chains; others show "<unknown>"
MANUFACTURERS = {(0, 0x20): "STMicroelectronics", (4, 0x3B): "ARM Ltd", (0, 0x17): "Texas Instruments",
                 (0, 0x15): "NXP (Philips)", (0, 0x1F): "Atmel", (0, 0x49): "Xilinx", (0, 0x6E): "Altera",
                 (3, 0x51): "Qualcomm", (4, 0x26): "Nordic VLSI ASA", (10, 0x0E): "Raspberry Pi Ltd"}


class JtagShifter(Protocol):
    """What a probe must do for JTAG: clock `count` bits with these TMS and TDI levels (bit 0 first) and
    return TDO as sampled before each rising TCK edge; and set the TRST line (True = asserted)."""

    def shift(self, tms: int, tdi: int, count: int) -> int: ...
    def reset(self, trst: bool) -> None: ...


@cache
def tms_path(start: int, end: int) -> tuple[int, int]:
    """The shortest TMS sequence from `start` to `end`: (bits, count), bit 0 first."""
    if start == end:
        return 0, 0
    seen = {start: (0, 0)}
    todo = deque([start])
    while todo:
        state = todo.popleft()
        bits, count = seen[state]
        for tms, nxt in enumerate(TRANSITIONS[state]):
            if nxt not in seen:
                seen[nxt] = (bits | tms << count, count + 1)
                if nxt == end:
                    return seen[nxt]
                todo.append(nxt)
    raise ValueError(f"no TAP state path {start} -> {end}")


def manufacturer(idcode: int) -> str:
    bank, ident = (idcode >> 8) & 0xF, (idcode >> 1) & 0x7F
    if not 1 <= ident <= 126:
        return "<invalid>"
    return MANUFACTURERS.get((bank, ident), "<unknown>")


def idcode_text(name: str, what: str, idcode: int) -> str:
    """OpenOCD's `JTAG tap: NAME <what, right-aligned in 16>: 0x... (mfg: ..., part: ..., ver: ...)`."""
    return (f"JTAG tap: {name} {what[:16]:>16}: 0x{idcode:08x} (mfg: 0x{(idcode >> 1) & 0x7FF:03x} "
            f"({manufacturer(idcode)}), part: 0x{(idcode >> 12) & 0xFFFF:04x}, ver: 0x{idcode >> 28:x})")


class JtagChain:
    """The TAPs between a probe's TDI and TDO, scanned through a `JtagShifter`. Scans are queued and go out
    together at `execute()`, which returns what each scan captured."""

    def __init__(self, shifter: JtagShifter, taps: list[Tap], log: Log | None = None,
                 source: str = "the adapter") -> None:
        self.shifter = shifter
        self.taps = [tap for tap in taps if tap.enabled]
        self.log = log or Log()
        self.source = source           # who the chain hangs off, for messages
        self.idcodes: dict[str, int | None] = {}  # as found by examine(): None for a TAP in BYPASS
        self.state = TLR               # the state the queued bits leave the chain in
        self._instructions: dict[str, int] = {}  # tap name -> instruction in its IR (if known)
        self._tms = self._tdi = self._count = 0
        self._captures: list[tuple[int, int]] = []  # (offset, length) of each scan's TDO bits

    # -- queueing bits --------------------------------------------------------------------------------------
    def _clock(self, tms: int, tdi: int, count: int) -> None:
        self._tms |= tms << self._count
        self._tdi |= tdi << self._count
        self._count += count

    def move(self, end: int) -> None:
        bits, count = tms_path(self.state, end)
        self._clock(bits, 0, count)
        self.state = end

    def reset_state(self) -> None:
        """Test-Logic-Reset by TMS, whatever state the chain is in: every IR now holds IDCODE (or BYPASS)."""
        self._clock((1 << TLR_BITS) - 1, 0, TLR_BITS)
        self.state = TLR
        self._instructions.clear()

    def select_jtag(self) -> None:
        """Queue the SWD-to-JTAG switch of an SWJ-DP (more than 50 TMS ones, 0xE73C, then ones again) and end
        in Test-Logic-Reset: a DP left in SWD mode answers JTAG again, and plain JTAG chains just reset."""
        self._clock((1 << 56) - 1 | SWD_TO_JTAG << 56 | ((1 << TLR_BITS) - 1) << 72, 0, 72 + TLR_BITS)
        self.state = TLR
        self._instructions.clear()

    def idle(self, cycles: int) -> None:
        self.move(RTI)
        self._clock(0, 0, cycles)

    def _shift(self, shift_state: int, tdi: int, length: int, end: int) -> int:
        self.move(shift_state)
        self._captures.append((self._count, length))
        self._clock(1 << (length - 1), tdi, length)  # TMS high on the last bit: on to Exit1
        self.state = shift_state + 1
        self.move(end)
        return len(self._captures) - 1

    def ir_scan(self, tap: Tap, instruction: int, end: int = RTI) -> int:
        """Queue `instruction` into `tap`'s IR, BYPASS into the others; returns the scan's result index."""
        vector, length = 0, 0
        for other in self.taps:
            value = instruction if other is tap else (1 << other.irlen) - 1
            vector |= value << length
            length += other.irlen
            self._instructions[other.name] = value
        return self._shift(SHIFT_IR, vector, length, end)

    def select(self, tap: Tap, instruction: int) -> None:
        """The IR scan for `instruction`, unless `tap` holds it already and the others are in BYPASS."""
        want = {t.name: instruction if t is tap else (1 << t.irlen) - 1 for t in self.taps}
        if self._instructions != want:
            self.ir_scan(tap, instruction)

    def dr_scan(self, tap: Tap, value: int, length: int, end: int = RTI) -> int:
        """Queue a DR scan of `length` bits into `tap` (the others in BYPASS, one bit each); the result is
        what `tap`'s DR captured."""
        position = self.taps.index(tap)
        after = len(self.taps) - position - 1
        index = self._shift(SHIFT_DR, value << position, position + length + after, end)
        offset, _ = self._captures[index]
        self._captures[index] = (offset + position, length)
        return index

    def execute(self) -> list[int]:
        """Send every queued bit in one shift; returns each queued scan's captured value, in order."""
        tms, tdi, count, captures = self._tms, self._tdi, self._count, self._captures
        self._tms = self._tdi = self._count = 0
        self._captures = []
        if not count:
            return []
        tdo = self.shifter.shift(tms, tdi, count)
        return [(tdo >> offset) & ((1 << length) - 1) for offset, length in captures]

    def forget_instructions(self) -> None:
        """After an error: what the IRs hold is no longer known."""
        self._instructions.clear()

    # -- the chain probe ------------------------------------------------------------------------------------
    def examine(self) -> bool:
        """OpenOCD's chain check at init: returns False if IDs or IR captures differ from the configuration
        (OpenOCD goes on with the configured chain then), raises OcdError if nothing answers at all."""
        slots = max(len(self.taps), MAX_AUTO_TAPS) + 1
        self.reset_state()
        self._shift(SHIFT_DR, (1 << (32 * slots)) - 1, 32 * slots, PAUSE_DR)
        self.reset_state()
        (ids,) = self.execute()
        self._check_alive(ids, 32 * slots)
        ok = self._match_ids(ids, slots)
        if not ok:
            self.log.error("Trying to use configured scan chain anyway...")
        ok = self._check_ir_capture() and ok
        if not ok:
            self.log.warning("Bypassing JTAG setup events due to errors")
        return ok

    def _check_alive(self, ids: int, bits: int) -> None:
        if ids and ids != (1 << bits) - 1:
            return
        level = "zeroes" if not ids else "ones"
        self.log.error(f"JTAG scan chain interrogation failed: all {level}")
        self.log.error("Check JTAG interface, timings, target power, etc.")
        raise OcdError(f"JTAG: no device answers on the scan chain of {self.source} (TDO reads all {level}). "
                       "Is the target powered, are TCK/TMS/TDI/TDO and ground connected, and does the "
                       "target speak JTAG (an SWD-only part needs 'transport select swd')?")

    def _match_ids(self, ids: int, slots: int) -> bool:
        ok, position, auto = True, 0, 0
        taps = iter(list(self.taps))
        for _ in range(slots):
            idcode = (ids >> position) & 0xFFFFFFFF
            tap = next(taps, None)
            if tap is None:
                if idcode == END_OF_CHAIN:
                    break
                tap = Tap(f"auto{auto}", "tap")  # irlen 0: found by the IR capture check
                auto += 1
                self.taps.append(tap)
            if idcode & 1 == 0 and not tap.ignore_bypass:
                self.log.info(f"TAP {tap.name} does not have valid IDCODE (idcode=0x{idcode:x})")
                self.idcodes[tap.name] = None
                position += 1
                continue
            self.idcodes[tap.name] = idcode
            self.log.info(idcode_text(tap.name, "tap/device found", idcode))
            position += 32
            ok = self._expected(tap, idcode) and ok
        for rest in range(position, 32 * slots - 31, 32):
            if (ids >> rest) & 0xFFFFFFFF != END_OF_CHAIN:
                self.log.warning(f"Unexpected idcode after end of chain: {rest} 0x{(ids >> rest) & 0xFFFFFFFF:08x}")
                ok = False
        return ok

    def _expected(self, tap: Tap, idcode: int) -> bool:
        mask = 0x0FFFFFFF if tap.ignore_version else 0xFFFFFFFF
        if not tap.expected_ids or any(e == 0 or e & mask == idcode & mask for e in tap.expected_ids):
            return True
        self.log.warning(idcode_text(tap.name, "UNEXPECTED", idcode))
        count = len(tap.expected_ids)
        for n, expected in enumerate(tap.expected_ids, 1):
            self.log.error(idcode_text(tap.name, f"expected {n} of {count}", expected))
        return False

    def _check_ir_capture(self) -> bool:
        """Shift ones through every IR: each TAP must show its IR capture value (0b...01 at least), and the
        ones must come out right after the last: otherwise an IR length is wrong. Leaves all in BYPASS."""
        total = sum(tap.irlen or IRLEN_MAX for tap in self.taps) + 2
        self._shift(SHIFT_IR, (1 << total) - 1, total, RTI)
        (captured,) = self.execute()
        position = 0
        for tap in self.taps:
            if not tap.irlen:
                tap.irlen = 2
                while (captured >> position) & ((1 << (tap.irlen + 1)) - 1) == 1 and tap.irlen < IRLEN_MAX:
                    tap.irlen += 1
                self.log.warning(f'AUTO {tap.name} - use "jtag newtap {tap.chip} {tap.tapname} -irlen '
                                 f'{tap.irlen} -expected-id 0x{self.idcodes.get(tap.name) or 0:08x}"')
            value = (captured >> position) & ((1 << tap.irlen) - 1)
            if value & tap.irmask != tap.ircapture:
                digits = (tap.irlen + 7) // tap.irlen
                self.log.error(f"{tap.name}: IR capture error; saw 0x{value:0{digits}x} not "
                               f"0x{tap.ircapture:0{digits}x}")
                return False
            self.log.debug(f"{tap.name}: IR capture 0x{value:0{(tap.irlen + 7) // tap.irlen}x}")
            position += tap.irlen
        if (captured >> position) & 3 != 3:
            digits = (total + 7) // 8 * 2
            self.log.error(f"IR capture error at bit {position}, saw 0x{captured:0{digits}x} not 0x...3")
            return False
        self._instructions = {tap.name: (1 << tap.irlen) - 1 for tap in self.taps}
        return True


def dap_tap(chain: JtagChain, wanted: str | None, where: str) -> Tap:
    """The DAP's TAP: the one `dap create -chain-position` names, else the first that looks like an ARM
    JTAG-DP (IR length 4, ARM's JEP106 code and a DP part number), else the first with a 4-bit IR."""
    if wanted is not None:
        for tap in chain.taps:
            if tap.name == wanted:
                return tap
        raise OcdError(f"{where}: the DAP's tap '{wanted}' is not on the scan chain "
                       f"(taps: {', '.join(t.name for t in chain.taps) or 'none'})")
    four = [tap for tap in chain.taps if tap.irlen == 4]
    arm = [tap for tap in four
           if any(i & 0xFFF == 0x477 and (i >> 20) & 0xFF == 0xBA
                  for i in (*tap.expected_ids, chain.idcodes.get(tap.name) or 0))]
    if arm or four:
        return (arm or four)[0]
    raise OcdError(f"{where}: no JTAG-DP (a TAP with a 4-bit IR) on the scan chain")
