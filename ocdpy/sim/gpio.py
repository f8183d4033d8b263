"""STM32 GPIO ports with an observable pin log.

Two register layouts: `GpioPortV2` for STM32F0/F4 (MODER/OTYPER/OSPEEDR/PUPDR/IDR/ODR/BSRR/LCKR/AFR, plus BRR on
F0; RM0091 §8, RM0368 §8) and `GpioPortV1` for STM32F1 (CRL/CRH/IDR/ODR/BSRR/BRR/LCKR; RM0008 §9). A port only
answers while its RCC clock is enabled (reads 0, writes ignored otherwise), as on the silicon.

Every change of a pin's level, whoever caused it (firmware, debugger, reset, an external drive), is appended to a
shared `PinLog` with its simulated time, and passed to the log's listeners (a front end drawing an LED or a
logic-analyser view).
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Callable

from .bus import RegisterBlock


@dataclass(frozen=True)
class PinChange:
    time: float   # simulated seconds
    cycle: int    # core clock cycles
    pin: str      # "PA5"
    level: int    # 0 or 1


class PinLog:
    """Timestamped pin changes of a chip (the most recent `maxlen`), plus listeners."""

    def __init__(self, clock: Callable[[], tuple[int, float]], maxlen: int = 100_000) -> None:
        self.clock = clock
        self.changes: deque[PinChange] = deque(maxlen=maxlen)
        self.total = 0
        self.listeners: list[Callable[[PinChange], None]] = []

    def record(self, pin: str, level: int) -> None:
        cycle, time = self.clock()
        change = PinChange(time, cycle, pin, level)
        self.changes.append(change)
        self.total += 1
        for listener in list(self.listeners):
            listener(change)


class GpioPort(RegisterBlock):
    """What both layouts share: ODR, external drives, levels, clock gating and change reporting."""

    def __init__(self, letter: str, log: PinLog, clock_enabled: Callable[[], bool]) -> None:
        self.letter = letter
        self.log = log
        self.clock_enabled = clock_enabled
        self.external: dict[int, int] = {}  # pins driven from outside the chip (buttons, test benches)
        self.odr = 0
        self.lckr = 0
        self._ext_mask = self._ext_high = 0
        self._mask_key: tuple = ()
        self._mask_cache = (0, 0, 0, 0, 0)
        self.reset_registers()
        self._levels = self._compute_levels()  # the power-on state is not a change

    # -- layout-specific ---------------------------------------------------------------------------------
    def is_output(self, pin: int) -> bool:
        raise NotImplementedError

    def is_open_drain(self, pin: int) -> bool:
        raise NotImplementedError

    def pull(self, pin: int) -> int | None:
        """1 for a pull-up, 0 for a pull-down, None when floating."""
        raise NotImplementedError

    def reset_registers(self) -> None:
        raise NotImplementedError

    def config_key(self) -> tuple:
        """The configuration registers: the pin masks are recomputed only when these change."""
        raise NotImplementedError

    def pull_follows_odr(self, pin: int) -> bool:
        """F1 inputs with pull-up/down take the direction from ODR."""
        return False

    # -- shared ----------------------------------------------------------------------------------------------
    def reset(self) -> None:
        self.odr = 0
        self.lckr = 0
        self.reset_registers()
        self._refresh()

    def _masks(self) -> tuple[int, int, int, int, int]:
        """(outputs, open-drain outputs, pull-ups, pull-downs, pulls set by ODR) as 16-bit pin masks."""
        key = self.config_key()
        if key != self._mask_key:
            out = od = up = down = by_odr = 0
            for pin in range(16):
                bit = 1 << pin
                if self.is_output(pin):
                    out |= bit
                    if self.is_open_drain(pin):
                        od |= bit
                elif self.pull_follows_odr(pin):
                    by_odr |= bit
                else:
                    pull = self.pull(pin)
                    if pull == 1:
                        up |= bit
                    elif pull == 0:
                        down |= bit
            self._mask_key, self._mask_cache = key, (out, od, up, down, by_odr)
        return self._mask_cache

    def _driven(self) -> int:
        out, od, _, _, _ = self._masks()
        return out & ~(od & self.odr)  # a released open-drain output (ODR=1) drives nothing

    def _compute_levels(self) -> int:
        out, od, up, down, by_odr = self._masks()
        odr = self.odr
        up |= by_odr & odr
        down |= by_odr & ~odr
        released = out & od & odr
        driven = out & ~released
        free = ~driven & ~self._ext_mask                   # driven neither by the chip nor from outside
        levels = (odr & driven) | (self._ext_high & ~driven) | (free & up) | (free & released & ~down)
        return levels & 0xFFFF  # a released open drain without pull reads 1 (the usual external pull-up)

    def level(self, pin: int) -> int:
        """The electrical level of the pin (0/1); an undriven floating input reads 0."""
        return self._compute_levels() >> pin & 1

    def driven_level(self, pin: int) -> int | None:
        """The level the chip itself drives on the pin, or None when it does not drive it (input, released
        open drain, alternate function)."""
        return self.odr >> pin & 1 if self._driven() >> pin & 1 else None

    @property
    def levels(self) -> int:
        return self._levels

    def drive(self, pin: int, level: int | None) -> None:
        """Drive a pin from outside (None releases it)."""
        if level is None:
            self.external.pop(pin, None)
        else:
            self.external[pin] = 1 if level else 0
        self._ext_mask = sum(1 << p for p in self.external)
        self._ext_high = sum(1 << p for p, v in self.external.items() if v)
        self._refresh()

    def _refresh(self) -> None:
        levels = self._compute_levels()
        changed = levels ^ self._levels
        self._levels = levels
        pin = 0
        while changed:
            if changed & 1:
                self.log.record(f"P{self.letter}{pin}", levels >> pin & 1)
            changed >>= 1
            pin += 1

    def _set_reset(self, set_bits: int, reset_bits: int) -> None:
        self.odr = (self.odr & ~reset_bits | set_bits) & 0xFFFF  # BSRR: set wins over reset

    def read(self, offset: int, size: int) -> int:
        return super().read(offset, size) if self.clock_enabled() else 0

    def write(self, offset: int, size: int, value: int) -> None:
        if self.clock_enabled():
            super().write(offset, size, value)
            self._refresh()


class GpioPortV2(GpioPort):
    """STM32F0/F4 layout."""

    MODER, OTYPER, OSPEEDR, PUPDR, IDR, ODR, BSRR, LCKR, AFRL, AFRH, BRR = range(0, 0x2C, 4)

    def __init__(self, letter: str, log: PinLog, clock_enabled: Callable[[], bool], has_brr: bool,
                 reset_values: dict[int, int] | None = None) -> None:
        self.has_brr = has_brr
        self.reset_values = reset_values or {}
        super().__init__(letter, log, clock_enabled)

    def reset_registers(self) -> None:
        self.regs = {self.MODER: 0, self.OTYPER: 0, self.OSPEEDR: 0, self.PUPDR: 0, self.AFRL: 0, self.AFRH: 0}
        self.regs.update(self.reset_values)

    def config_key(self) -> tuple:
        return self.regs[self.MODER], self.regs[self.OTYPER], self.regs[self.PUPDR]

    def is_output(self, pin: int) -> bool:
        return (self.regs[self.MODER] >> (2 * pin)) & 3 == 1

    def is_open_drain(self, pin: int) -> bool:
        return bool(self.regs[self.OTYPER] >> pin & 1)

    def pull(self, pin: int) -> int | None:
        return {1: 1, 2: 0}.get((self.regs[self.PUPDR] >> (2 * pin)) & 3)

    def read32(self, offset: int) -> int:
        if offset in self.regs:
            return self.regs[offset]
        if offset == self.IDR:
            return self._levels
        if offset == self.ODR:
            return self.odr
        if offset == self.LCKR:
            return self.lckr
        return 0

    def write32(self, offset: int, value: int) -> None:
        if offset in self.regs:
            self.regs[offset] = value & (0xFFFF if offset == self.OTYPER else 0xFFFFFFFF)
        elif offset == self.ODR:
            self.odr = value & 0xFFFF
        elif offset == self.BSRR:
            self._set_reset(value & 0xFFFF, value >> 16)
        elif offset == self.BRR and self.has_brr:
            self._set_reset(0, value & 0xFFFF)
        elif offset == self.LCKR:
            self.lckr = value & 0x1FFFF


class GpioPortV1(GpioPort):
    """STM32F1 layout: four configuration bits per pin in CRL/CRH (MODE[1:0], CNF[1:0])."""

    CRL, CRH, IDR, ODR, BSRR, BRR, LCKR = range(0, 0x1C, 4)

    def reset_registers(self) -> None:
        self.crl = self.crh = 0x44444444  # every pin a floating input

    def _config(self, pin: int) -> tuple[int, int]:
        word = self.crh if pin >= 8 else self.crl
        bits = (word >> (4 * (pin % 8))) & 0xF
        return bits & 3, bits >> 2  # MODE, CNF

    def is_output(self, pin: int) -> bool:
        mode, cnf = self._config(pin)
        return mode != 0 and cnf in (0, 1)  # general-purpose output (CNF 2/3: alternate function)

    def is_open_drain(self, pin: int) -> bool:
        return self._config(pin)[1] == 1

    def config_key(self) -> tuple:
        return self.crl, self.crh

    def pull_follows_odr(self, pin: int) -> bool:
        mode, cnf = self._config(pin)
        return mode == 0 and cnf == 2  # input with pull-up (ODR=1) or pull-down (ODR=0)

    def pull(self, pin: int) -> int | None:
        return self.odr >> pin & 1 if self.pull_follows_odr(pin) else None

    def read32(self, offset: int) -> int:
        return {self.CRL: self.crl, self.CRH: self.crh, self.IDR: self._levels, self.ODR: self.odr,
                self.LCKR: self.lckr}.get(offset, 0)

    def write32(self, offset: int, value: int) -> None:
        if offset == self.CRL:
            self.crl = value
        elif offset == self.CRH:
            self.crh = value
        elif offset == self.ODR:
            self.odr = value & 0xFFFF
        elif offset == self.BSRR:
            self._set_reset(value & 0xFFFF, value >> 16)
        elif offset == self.BRR:
            self._set_reset(0, value & 0xFFFF)
        elif offset == self.LCKR:
            self.lckr = value & 0x1FFFF
