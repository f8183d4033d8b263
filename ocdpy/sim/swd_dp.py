"""The ARM Serial Wire Debug port (ADIv5.2 B4; the SWJ-DP switching of B5), bit-accurate, over a `DebugPort`.

Why bit-accurate: a probe model or a bit-bang client is only proven against a target that refuses what silicon
refuses: a packet before the JTAG-to-SWD switch, anything but a DPIDR read after a line reset, a request with
bad parity, write data with bad parity, AP accesses while a sticky flag is set.

One decoder serves both faces. Every host-driven cycle (`clock` from remote_bitbang, `sequence`, the request
byte of `transfer`) goes through `_host_bit`, which watches for line resets and select sequences and decodes
the request; `_respond` answers a decoded request with a plan of the target's cycles (turnaround, ACK, data,
parity, turnaround). `clock` plays the plan out one edge at a time, `swdio` showing what the target drives;
`transfer` takes ACK and data from the plan at once and skips to its end, which keeps it fast.
"""
from __future__ import annotations

from .dap import READOK, STICKY_FLAGS, WDATAERR, DebugPort

ACK_OK, ACK_FAULT, NO_ACK = 0b001, 0b100, 0b111  # no WAIT: every access completes at once
LINE_RESET_ONES = 50        # a line reset: at least 50 cycles with SWDIO high ...
IDLE_AFTER_RESET = 2        # ... then at least two idle (low) cycles before the first request
DPIDR_READ = 0xA5           # the request that must follow a line reset: start, RnW, A=0, parity, park
ORUNDETECT = 1 << 0
DATA_BITS = 33              # 32 data bits and their parity
DLCR_WIREMODE_SYNC = 0x40   # DLCR (WCR on DPv1): synchronous wire, TURNROUND in bits [9:8]
DLPIDR_PROTVSN_2 = 0x1      # DPv2 DLPIDR: SWD protocol version 2, instance 0

JTAG, SWD, DORMANT = "jtag", "swd", "dormant"
# SWD protocol states
RESET, IDLE, REQUEST, TARGET, WDATA, SKIP, LOCKOUT = range(7)

SELECTION_ALERT = 0x19BC0EA2_E3DDAFE9_86852D95_6209F392
# (from, ones before it, length, value as sent LSB first, to). Each sequence starts with the 0 that ends the
# run of ones; the dormant exits are the 128-bit alert, 4 low cycles, then the activation code.
SWITCHES = (
    (JTAG, 50, 16, 0xE79E, SWD),
    (SWD, 50, 16, 0xE73C, JTAG),
    (JTAG, 5, 31, 0x33BBBBBA, DORMANT),
    (SWD, 50, 16, 0xE3BC, DORMANT),
    (DORMANT, 8, 140, SELECTION_ALERT | 0x1A << 132, SWD),  # SW-DP activation code 0x1A
    (DORMANT, 8, 144, SELECTION_ALERT, JTAG),               # JTAG-Serial activation code: 12 low cycles
)


def parity(value: int) -> int:
    return value.bit_count() & 1


class SwDp:
    """A SW-DP, or the SWD side of an SWJ-DP, sharing its DP state (`dp`) with whatever else reaches it.

    `starts_in_jtag`: an SWJ-DP, which powers up in JTAG mode and switches on the JTAG-to-SWD sequence; else
    a SW-DP only part, in the reset state at power-on. `dormant`: the port implements the ADIv5.2 dormant
    state (selection alert and activation codes); SWJ-DPs older than ADIv5.2 do not. `targetid`: TARGETID,
    readable only where DPIDR says DPv2. `mode` tells which protocol the pins serve: "jtag", "swd", "dormant"."""

    def __init__(self, dp: DebugPort, *, starts_in_jtag: bool, dormant: bool = False, targetid: int = 0) -> None:
        self.dp = dp
        self.dpv2 = ((dp.idcode >> 12) & 0xF) >= 2  # DPIDR.VERSION
        self.targetid = targetid
        self.dlcr = DLCR_WIREMODE_SYNC
        self._switches: dict[str, tuple[int, int, dict[tuple[int, int], str]]] = {}
        modes = {SWD} | ({JTAG} if starts_in_jtag else set()) | ({DORMANT} if dormant else set())
        for source, ones, length, value, dest in SWITCHES:
            if source in modes and dest in modes:
                min_ones, max_len, table = self._switches.get(source, (ones, 0, {}))
                table[length, value] = dest
                self._switches[source] = (min(min_ones, ones), max(max_len, length), table)
        self._ones = 0                       # consecutive host-driven 1s
        self._capture = self._cap_len = 0    # bits since a run of ones ended: a select sequence?
        self._state, self._zeros, self._awaiting_dpidr = RESET, 0, True
        self._request = self._req_len = 0
        self._wdata = self._w_len = 0
        self._pending = (False, 0)           # the write waiting for its data phase: (APnDP, address)
        self._resend = 0                     # RESEND: the last AP or RDBUFF read's data
        self._plan_ack, self._plan_data, self._plan_len, self._pos, self._after = NO_ACK, None, 0, 0, IDLE
        self._enter(JTAG if starts_in_jtag else SWD)

    # -- the wire ---------------------------------------------------------------------------------------
    @property
    def jtag_selected(self) -> bool:
        """The SWJ-DP is in JTAG mode: TCK and TMS go to the JTAG-DP's TAP, not to this port."""
        return self.mode == JTAG

    @property
    def turnaround(self) -> int:
        return ((self.dlcr >> 8) & 3) + 1

    @property
    def swdio(self) -> int | None:
        """What the target drives on SWDIO in the current cycle (None: not driving, the pull-up wins)."""
        if self._state != TARGET:
            return None
        i = self._pos - self.turnaround
        if 0 <= i < 3:
            return (self._plan_ack >> i) & 1
        if self._plan_data is not None and 0 <= i - 3 < DATA_BITS:
            return (self._plan_data >> (i - 3)) & 1
        return None

    def clock(self, swdio: int) -> None:
        """A rising SWCLK edge; `swdio` is the level the host side puts on the line (1 if nobody drives).
        The target ignores it in the cycles it drives or turns the line around."""
        if self._state == TARGET:
            self._pos += 1
            if self._pos == self._plan_len:
                self._state = self._after
        else:
            self._host_bit(swdio & 1)

    def sequence(self, bits: int, count: int) -> None:
        """`count` host-driven cycles, `bits` LSB first: line resets, select sequences, idle cycles."""
        for i in range(count):
            self.clock((bits >> i) & 1)

    def transfer(self, request: int, wdata: int | None = None, *,
                 wdata_parity_ok: bool = True) -> tuple[int, int | None]:
        """One packet: the request byte as on the wire (bit 0 start ... bit 7 park), then the target's ACK
        and, for a read, its data; for a write the host's data with its parity (wrong if told so).
        Returns (ACK as read LSB first: 1 OK, 4 FAULT, 7 no answer (never 2 WAIT here), read data or None)."""
        for i in range(8):
            self.clock((request >> i) & 1)
        if self._state != TARGET or self._pos:
            return self._listen_for_ack(), None
        ack, data, after = self._plan_ack, self._plan_data, self._after
        self._state = after
        if after == WDATA:
            value = (wdata or 0) & 0xFFFFFFFF
            word = value | (parity(value) ^ (not wdata_parity_ok)) << 32
            run = DATA_BITS - (~word & ((1 << DATA_BITS) - 1)).bit_length()  # the 1s the data phase ends with
            self._ones = run if run < DATA_BITS else self._ones + run
            self._write_data(word)
        elif after == SKIP:
            self._state = IDLE
        return ack, None if data is None else data & 0xFFFFFFFF

    def _listen_for_ack(self) -> int:
        """The host clocks turnaround and ACK with nobody answering: what it reads there is the pull-up."""
        ack = 0
        t = self.turnaround
        for i in range(t + 3):
            level = self.swdio
            level = 1 if level is None else level
            if i >= t:
                ack |= level << (i - t)
            self.clock(level)
        return ack

    # -- host-driven cycles ---------------------------------------------------------------------------------
    def _enter(self, mode: str) -> None:
        self.mode = mode
        self._min_ones, self._max_len, self._table = self._switches.get(mode, (1 << 30, 0, {}))
        self._cap_len = 0

    def _host_bit(self, bit: int) -> None:
        n = self._cap_len
        if not bit and self._ones >= self._min_ones:
            self._capture, n = 0, 1
        elif n:
            self._capture |= bit << n
            n += 1
        if n:
            dest = self._table.get((n, self._capture))
            if dest is not None:
                self._switch(dest)
                return
            if n >= self._max_len:
                n = 0
        self._cap_len = n
        self._ones = self._ones + 1 if bit else 0
        if self.mode != SWD:
            return
        state = self._state
        if bit and self._ones == LINE_RESET_ONES:
            self._line_reset()
        elif state == IDLE:
            if bit:
                self._state, self._request, self._req_len = REQUEST, 1, 1
        elif state == REQUEST:
            self._request |= bit << self._req_len
            self._req_len += 1
            if self._req_len == 8:
                self._respond(self._request)
        elif state == WDATA:
            self._wdata |= bit << self._w_len
            self._w_len += 1
            if self._w_len == DATA_BITS:
                self._write_data(self._wdata)
        elif state == SKIP:
            self._w_len += 1
            if self._w_len == DATA_BITS:
                self._state = IDLE
        elif state == RESET:
            self._zeros = 0 if bit else self._zeros + 1
            if self._zeros >= IDLE_AFTER_RESET:
                self._state = IDLE
        # LOCKOUT: only a line reset gets out

    def _switch(self, mode: str) -> None:
        """A select sequence completed: JTAG-to-SWD leaves the SW-DP in its reset state; leaving dormant for
        SWD it needs a line reset first."""
        previous = self.mode
        self._enter(mode)
        self._ones = 0
        if mode == SWD:
            if previous == JTAG:
                self._line_reset()
            else:
                self._state = LOCKOUT

    def _line_reset(self) -> None:
        self._state, self._zeros, self._awaiting_dpidr = RESET, 0, True

    # -- packets --------------------------------------------------------------------------------------------
    def _respond(self, request: int) -> None:
        """Decode a complete request and plan the target's answer (ADIv5.2 B4.2): no answer at all to a
        malformed request, or to anything but a DPIDR read after a line reset (the port locks out until
        the next line reset); FAULT while a sticky flag is set, except to the accesses that clear it."""
        fields = (request >> 1) & 0xF
        if request & 0xC1 != 0x81 or parity(fields) != (request >> 5) & 1:
            self._state = LOCKOUT
            return
        if self._awaiting_dpidr:
            if request != DPIDR_READ:
                self._state = LOCKOUT
                return
            self._awaiting_dpidr = False
        is_ap, read, address = fields & 1, (fields >> 1) & 1, (fields >> 2) << 2
        dp = self.dp
        exempt = not is_ap and (address == 0 or (read and address == 4))  # DPIDR, CTRL/STAT, ABORT
        ack = ACK_FAULT if dp.ctrl_stat & STICKY_FLAGS and not exempt else ACK_OK
        t = self.turnaround
        data, length, after = None, t + 3 + t, IDLE
        if ack == ACK_OK and read:
            value = self._read(is_ap, address)
            data, length = value | parity(value) << 32, length + DATA_BITS
        elif ack == ACK_OK:
            self._pending, after, self._wdata, self._w_len = (bool(is_ap), address), WDATA, 0, 0
        elif dp.ctrl_stat & ORUNDETECT:  # with overrun detection the data phase is still clocked
            if read:
                length += DATA_BITS
            else:
                after, self._w_len = SKIP, 0
        if read and (is_ap or address == 0xC):
            dp.ctrl_stat = dp.ctrl_stat | READOK if ack == ACK_OK else dp.ctrl_stat & ~READOK
        self._plan_ack, self._plan_data, self._plan_len, self._pos, self._after = ack, data, length, 0, after
        self._state = TARGET

    def _read(self, is_ap: int, address: int) -> int:
        """AP reads are posted: the answer is the previous AP read's data, this one's lands in RDBUFF."""
        dp = self.dp
        if is_ap:
            value = dp.rdbuff
            dp.ap_read(address)
        elif address == 0x4 and self._bank():
            value = self._banked_read(self._bank())
        elif address == 0x8:
            return self._resend  # RESEND: SELECT is write-only on a SW-DP
        else:
            value = dp.dp_read(address)
        if is_ap or address == 0xC:
            self._resend = value
        return value

    def _bank(self) -> int:
        """The register bank at address 0x4: DPBANKSEL on DPv2, CTRLSEL on DPv1."""
        return self.dp.select & (0xF if self.dpv2 else 0x1)

    def _banked_read(self, bank: int) -> int:
        """DLCR in bank 1; TARGETID and DLPIDR, in banks only DPv2's DPBANKSEL reaches."""
        return {1: self.dlcr, 2: self.targetid, 3: DLPIDR_PROTVSN_2}.get(bank, 0)

    def _write_data(self, word: int) -> None:
        """The data phase of a write is complete: bad parity discards it and sets WDATAERR."""
        self._state = IDLE
        value = word & 0xFFFFFFFF
        if word >> 32 != parity(value):
            self.dp.ctrl_stat |= WDATAERR
            return
        is_ap, address = self._pending
        if is_ap:
            self.dp.ap_write(address, value)
        elif address == 0x4 and self._bank():
            if self._bank() == 1:
                self.dlcr = DLCR_WIREMODE_SYNC | (value & 0x300)
        else:
            self.dp.dp_write(address, value)  # with a sticky flag set this write got FAULT: only ABORT clears
