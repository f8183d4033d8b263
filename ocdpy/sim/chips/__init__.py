"""Simulated STM32 chips: a `ChipSpec` per part (memory map, IDs, peripherals; in stm32f0x/f1x/f4x.py) and the
`Chip` built from it (a core, its memories and peripherals on one bus).

Only what a debugger and typical start-up code touch is modelled: flash (with its boot alias at 0), SRAM, system
memory holding the flash-size and unique-ID registers, option bytes, DBGMCU, RCC, GPIO, the flash interface, and a
few register files (PWR, AFIO/SYSCFG). Other peripheral addresses are storage (`UnmodelledSpace`), so firmware
that touches an unmodelled peripheral does not fault; `Chip.unmodelled_accesses()` lists what it touched.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..bus import PAGE, BitBandAlias
from ..core import Core
from ..flash_array import FlashArray
from ..gpio import GpioPort, GpioPortV1, GpioPortV2, PinLog
from ..peripherals import Dbgmcu, FlashInterface, RegisterFile, UnmodelledSpace
from ..rcc import HSI_HZ, Rcc

PERIPHERAL_SPACE = (0x40000000, 0x60000000)  # filled with UnmodelledSpace where nothing else is mapped


@dataclass(frozen=True)
class Led:
    """The user LED of the board a chip usually sits on."""

    pin: str            # "PA5"
    active_high: bool
    board: str

    @property
    def port(self) -> str:
        return self.pin[1]

    @property
    def number(self) -> int:
        return int(self.pin[2:])


@dataclass(frozen=True)
class ChipSpec:
    name: str
    family: str                          # "f0" | "f1" | "f4": RCC, GPIO and flash-interface flavour
    core: str                            # core.MODELS key
    num_irqs: int
    systick_calib: int                   # SYST_CALIB (TENMS for 1 ms at the maximum HCLK/8)
    flash_base: int
    flash_sectors: tuple[int, ...]       # erase units (pages or sectors) in bytes, in address order
    sram_base: int
    sram_size: int
    system_memory: tuple[int, int]       # base, size (holds the bootloader, flash size and unique ID)
    option_bytes: tuple[int, bytes]      # base, contents (the rest of the 1 KiB page reads 0xFF)
    flash_size_address: int
    uid_address: int
    uid: bytes                           # 12 bytes
    dbgmcu_base: int
    dbgmcu_idcode: int                   # REV_ID << 16 | DEV_ID
    gpio_ports: tuple[tuple[str, int], ...]
    gpio_reset: dict[str, dict[int, int]]
    gpio_clock: tuple[int, dict[str, int]]  # RCC enable register offset, bit per port
    rcc_base: int
    flash_interface_base: int            # FLASH_R_BASE
    flash_controller: str                # "f1" (F0/F1 FPEC) | "f4"
    register_files: tuple[tuple[str, int, dict[int, int], dict[int, int]], ...] = ()
    bitband: bool = False
    led: Led | None = None
    hse_hz: int = 8_000_000
    dp_idcode: int = 0                   # SW-DP/JTAG-DP IDCODE of the debug port (for the debug model)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def flash_size(self) -> int:
        return sum(self.flash_sectors)


class Chip:
    """A chip built from a ChipSpec, powered on and out of reset."""

    def __init__(self, spec: ChipSpec, hse_hz: int | None = None, flash_controller: bool = True) -> None:
        self.spec = spec
        core = Core(spec.core, HSI_HZ[spec.family], spec.num_irqs, spec.systick_calib)
        self.core = core
        self.bus = core.bus
        self.pins = PinLog(lambda: (core.cycles, core.now))

        self.flash = FlashArray(spec.flash_base, list(spec.flash_sectors))
        self.bus.add_flash("flash", self.flash, aliases=(0,))  # BOOT0 = 0: main flash aliased at 0
        self.sram = self.bus.add_memory("SRAM", spec.sram_base, spec.sram_size)
        self.system_memory = self.bus.add_memory("system memory", spec.system_memory[0],
                                                 self._system_memory_image(), cpu_writable=False)
        ob_base, ob_data = spec.option_bytes
        self.option_bytes = self.bus.add_memory("option bytes", ob_base,
                                                ob_data + b"\xff" * (PAGE - len(ob_data)), cpu_writable=False)

        self.rcc = Rcc(spec.family, hse_hz or spec.hse_hz, core.set_clock_hz)
        self.bus.add_device("RCC", spec.rcc_base, PAGE, self.rcc)
        self.gpio: dict[str, GpioPort] = {}
        enable_reg, enable_bits = spec.gpio_clock
        for letter, base in spec.gpio_ports:
            gate = self._clock_gate(enable_reg, enable_bits[letter])
            if spec.family == "f1":
                port: GpioPort = GpioPortV1(letter, self.pins, gate)
            else:
                port = GpioPortV2(letter, self.pins, gate, has_brr=spec.family == "f0",
                                  reset_values=spec.gpio_reset.get(letter))
            self.gpio[letter] = port
            self.bus.add_device(f"GPIO{letter}", base, PAGE, port)

        self.dbgmcu = Dbgmcu(spec.dbgmcu_idcode)
        if spec.dbgmcu_base >= 0xE0000000:
            core.ppb.attach(spec.dbgmcu_base, 0x10, self.dbgmcu)
        else:
            self.bus.add_device("DBGMCU", spec.dbgmcu_base, PAGE, self.dbgmcu)
        self.register_files: dict[str, RegisterFile] = {}
        for name, base, reset_values, fixed in spec.register_files:
            self.register_files[name] = RegisterFile(reset_values, fixed)
            self.bus.add_device(name, base, PAGE, self.register_files[name])

        self.flash_controller: Any = None
        self._flash_controller_factory: Callable[[], Any] | None = None
        self._flash_interface = _SwitchableDevice()
        self.bus.add_device("FLASH interface", spec.flash_interface_base, PAGE, self._flash_interface)
        if flash_controller:
            self.attach_flash_controller(self._default_flash_controller)

        if spec.bitband:
            sram_alias = -(-spec.sram_size * 32 // PAGE) * PAGE
            self.bus.add_device("SRAM bit-band", 0x22000000, sram_alias, BitBandAlias(self.bus, spec.sram_base))
            self.bus.add_device("peripheral bit-band", 0x42000000, 0x2000000, BitBandAlias(self.bus, 0x40000000))
        self._unmodelled: list[UnmodelledSpace] = []
        self._fill_peripheral_space()

        core.on_reset.append(self._on_reset)
        core.reset("power_on")

    # -- construction helpers --------------------------------------------------------------------------------
    def _system_memory_image(self) -> bytes:
        spec = self.spec
        base, size = spec.system_memory
        image = bytearray(b"\xff" * size)
        uid_off = spec.uid_address - base
        image[uid_off:uid_off + 12] = spec.uid
        size_off = spec.flash_size_address - base
        image[size_off:size_off + 2] = (spec.flash_size // 1024).to_bytes(2, "little")
        return bytes(image)

    def _clock_gate(self, offset: int, bit: int) -> Callable[[], bool]:
        return lambda: self.rcc.enabled(offset, bit)

    def _default_flash_controller(self) -> Any:
        from ..flash_ctrl import F1FlashController, F4FlashController

        cls = F4FlashController if self.spec.flash_controller == "f4" else F1FlashController
        return cls(self.flash, lambda: self.core.now)

    def _fill_peripheral_space(self) -> None:
        start, end = PERIPHERAL_SPACE
        used = sorted((base, base + size) for _, base, size in self.bus.regions() if base < end and base + size > start)
        cursor = start
        for base, stop in used + [(end, end)]:
            if base > cursor:
                space = UnmodelledSpace(cursor)
                self.bus.add_device("unmodelled peripherals", cursor, base - cursor, space)
                self._unmodelled.append(space)
            cursor = max(cursor, stop)

    # -- hooks for the rest of the simulator -----------------------------------------------------------------
    def attach_flash_controller(self, controller: Any) -> None:
        """Put a flash controller (an object with read(offset)/write(offset, value)/program(addr, size, value),
        or a zero-argument factory making one) behind FLASH_R_BASE and the flash array. A factory is called
        again on every system reset, so the controller comes back locked, as after a real reset."""
        if callable(controller) and not hasattr(controller, "program"):
            self._flash_controller_factory = controller
            controller = controller()
        else:
            self._flash_controller_factory = None
        self.flash_controller = controller
        self.flash.controller = controller
        self._flash_interface.target = FlashInterface(controller) if controller is not None else None

    def detach_flash_controller(self) -> None:
        """No controller: flash can no longer be programmed through the bus; its registers read as zero."""
        self._flash_controller_factory = None
        self.flash_controller = self.flash.controller = None
        self._flash_interface.target = None

    def unmodelled_accesses(self) -> list[int]:
        return sorted(a for space in self._unmodelled for a in space.touched)

    def reset(self, kind: str = "system", halt: bool = False) -> None:
        self.core.reset(kind, halt)

    def _on_reset(self, kind: str) -> None:
        if kind == "core":
            return  # VECTRESET leaves the peripherals alone
        self.rcc.reset(kind)
        for port in self.gpio.values():
            port.reset()
        self.dbgmcu.reset()
        for regs in self.register_files.values():
            regs.reset()
        for space in self._unmodelled:
            space.reset()
        if self._flash_controller_factory is not None:
            self.attach_flash_controller(self._flash_controller_factory)
        elif hasattr(self.flash_controller, "reset"):
            self.flash_controller.reset()


class _SwitchableDevice:
    """A bus slot whose device can be swapped after mapping (unicorn MMIO callbacks are fixed at map time)."""

    def __init__(self) -> None:
        self.target: Any = None

    def read(self, offset: int, size: int) -> int:
        return self.target.read(offset, size) if self.target is not None else 0

    def write(self, offset: int, size: int, value: int) -> None:
        if self.target is not None:
            self.target.write(offset, size, value)


# -- the catalogue -------------------------------------------------------------------------------------------
def _specs() -> dict[str, ChipSpec]:
    from .stm32f0x import STM32F072RB
    from .stm32f1x import STM32F103C8
    from .stm32f4x import STM32F401CC

    return {spec.name: spec for spec in (STM32F072RB, STM32F103C8, STM32F401CC)}


ALIASES = {"stm32f072": "stm32f072rb", "stm32f0x": "stm32f072rb", "stm32f103": "stm32f103c8",
           "stm32f1x": "stm32f103c8", "stm32f401": "stm32f401cc", "stm32f4x": "stm32f401cc"}


def chip_names() -> list[str]:
    return sorted(_specs())


def get_spec(name: str) -> ChipSpec:
    specs = _specs()
    key = ALIASES.get(name.lower(), name.lower())
    if key not in specs:
        raise KeyError(f"unknown chip {name!r}; known: {', '.join(sorted(specs))}")
    return specs[key]


def build_chip(name: str, **options: Any) -> Chip:
    """A powered-on chip by part name (e.g. "stm32f072rb"); options go to `Chip`."""
    return Chip(get_spec(name), **options)
