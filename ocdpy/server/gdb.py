"""The GDB remote serial protocol server of one target, with OpenOCD's behaviour where gdb can see it: one
gdb per target (others are refused), the target halted on attach (gdb-attach), OpenOCD's register numbers
and target description, a memory map so that `load` programs flash, monitor commands whose log output comes
back as console packets, breakpoints in flash through the FPB, DWT watchpoints reported with the address
that matched, and Ctrl-C halting a running core.

Framing is in gdb_packets.py, the XML documents in gdb_target_xml.py and gdb_memory_map.py, `load` in
gdb_flash.py."""
from __future__ import annotations

import threading

from ..commands.flash_exec import read_any, write_any
from ..commands.run_control import poll_one, resume_target, step_target
from ..errors import OcdError, ShutdownRequest
from ..log import without_level
from .commands import evaluate
from .gdb_flash import FlashLoad, fire_gdb_event
from .gdb_memory_map import memory_map_xml, target_drivers
from .gdb_packets import PacketReader, frame, parse_hex
from .gdb_target_xml import general_registers, reg_bytes, target_xml
from .loop import Protocol

PACKET_SIZE = 0x4000
SIGINT, SIGTRAP = 2, 5
# What gdb reads after a stop to say where it is: r7 (the Thumb frame pointer), sp, lr, pc, xPSR, msp, psp.
# With these in the stop reply (and the thread named, without which gdb drops them) a `stepi` needs no `g`,
# so the other registers are not read at all.
EXPEDITED = (7, 13, 14, 15, 16, 17, 18)
CACHE_BLOCK = 64  # flash is read in aligned blocks of this many bytes while the core stays halted
WATCH_REASONS = {"w": "watch", "r": "rwatch", "a": "awatch"}
CHASE_DELAYS = (0.002, 0.005, 0.01, 0.02, 0.05)  # fast looks after a resume, before the 100 ms poll takes over


class PacketError(Exception):
    """A request gdb sent that cannot be parsed: answered with an error, the connection stays."""


class GdbClient(Protocol):
    """One gdb connected to `target`."""

    def __init__(self, session, target) -> None:
        self.session, self.target = session, target
        self.log = session.log
        self.settings = session.gdb_settings  # gdb_memory_map, gdb_breakpoint_override… (commands/servers.py)
        self.reader = PacketReader(PACKET_SIZE)
        self.ack_mode = True
        self.accepted = False
        self.waiting = False          # a c/s/vCont is waiting for its stop reply
        self.attaching = False        # the gdb-attach handler (OpenOCD's default: halt 1000) is running
        self.extended = False
        self.last_packet = b""
        self.load: FlashLoad | None = None
        self.breakpoints: set[int] = set()
        self.watchpoints: set[int] = set()
        self._chase = 0
        self.flash_ranges: list[tuple[int, int]] = []  # (start, end) of the probed banks, from the memory map
        self.flash_cache: dict[int, bytes] = {}        # block address -> bytes, only while nothing ran or wrote

    # -- connection ---------------------------------------------------------------------------------------
    def connection_made(self, conn) -> None:
        super().connection_made(conn)
        others = [c for c in conn.loop.clients("gdb") if c is not conn and isinstance(c.protocol, GdbClient)
                  and c.protocol.target is self.target and c.protocol.accepted]
        if others:
            self.log.info("rejected 'gdb' connection, no more connections allowed")
            conn.close()
            return
        self.accepted = True
        self.attaching = True  # the attach's halt is gdb's to show, not the log's (as in OpenOCD)
        try:
            fire_gdb_event(self.session, self.target, "gdb-attach")
        finally:
            self.attaching = False

    def connection_lost(self) -> None:
        if not self.accepted:
            return
        core = self.target.core
        try:
            if self.load is not None and self.load.started:
                core.halt()  # a load cut short: leave the core halted, not running half-written flash
                poll_one(self.session, self.target)
            self._clear_points()
            fire_gdb_event(self.session, self.target, "gdb-detach")
        except OcdError as e:
            self.log.error(f"gdb disconnect: {e.result}")
        if self.conn.peer == "pipe":
            self.conn.loop.stop(ShutdownRequest(0))  # OpenOCD exits when gdb closes its pipe

    def _clear_points(self) -> None:
        """What this gdb inserted goes with it, as OpenOCD clears a target's breakpoints on disconnect."""
        core = self.target.core
        for address in list(self.breakpoints):
            if any(b.address == address for b in core.breakpoints):
                core.remove_breakpoint(address)
        for address in list(self.watchpoints):
            core.remove_watchpoint(address)
        self.breakpoints.clear()
        self.watchpoints.clear()

    def data_received(self, data: bytes) -> None:
        for event in self.reader.feed(data):
            if event.kind == "packet":
                if self.ack_mode:
                    self.conn.send(b"+")
                self._handle(event.payload)
            elif event.kind == "bad":
                self.log.warning("gdb packet with a bad checksum: asking again")
                if self.ack_mode:
                    self.conn.send(b"-")
            elif event.kind == "oversize":
                self.log.error(f"packet buffer too small: gdb sent {event.payload.decode()} bytes, "
                               f"the limit is {PACKET_SIZE}")
                if self.ack_mode:
                    self.conn.send(b"+")
                self._reply(b"E01")
            elif event.kind == "nak" and self.last_packet:
                self.conn.send(self.last_packet)
            elif event.kind == "interrupt":
                self._interrupt()
            if self.conn.closed:
                return

    def _reply(self, payload: bytes) -> None:
        self.last_packet = frame(payload)
        self.conn.send(self.last_packet)

    def _console(self, text: str) -> None:
        """Log output during a monitor command, to gdb's console as O packets (no level prefixes, no debug
        output, as OpenOCD sends)."""
        shown = without_level(text)
        if shown:
            self.conn.send(frame(b"O" + shown.encode("utf-8", "replace").hex().encode()))

    # -- dispatch ------------------------------------------------------------------------------------------
    def _handle(self, packet: bytes) -> None:
        if packet[:1] not in READ_ONLY:
            self.flash_cache.clear()
        try:
            reply = self._dispatch(packet)
        except ShutdownRequest:
            self._reply(b"OK")
            raise
        except (PacketError, ValueError, IndexError) as e:
            self.log.error(f"gdb: malformed packet {packet[:40]!r}: {e}")
            reply = b"E01"
        except OcdError as e:
            self.log.error(str(e.result))
            reply = b"E0E"
        if reply is not None:
            self._reply(reply)

    def _dispatch(self, packet: bytes) -> bytes | None:
        """The reply to one packet, or None when it comes later (a stop reply) or not at all."""
        head = packet[:1]
        body = packet[1:]
        simple = SIMPLE.get(packet)
        if simple is not None:
            return simple
        handler = HANDLERS.get(head)
        if handler is not None:
            return handler(self, body)
        if packet.startswith(b"q") or packet.startswith(b"Q"):
            return self._query(packet)
        if packet.startswith(b"v"):
            return self._v_packet(packet)
        return b""

    # -- queries -----------------------------------------------------------------------------------------
    def _query(self, packet: bytes) -> bytes | None:
        if packet.startswith(b"qSupported"):
            return self._supported()
        if packet == b"QStartNoAckMode":
            self._reply(b"OK")
            self.ack_mode = False
            return None
        if packet.startswith(b"qXfer:features:read:target.xml:") and self.settings["gdb_target_description"]:
            return xfer(target_xml(self.target.core.info.registers), packet.rsplit(b":", 1)[1])
        if packet.startswith(b"qXfer:memory-map:read::") and self.settings["gdb_memory_map"]:
            drivers = target_drivers(self.session, self.target)
            self.flash_ranges = [(d.base, d.base + d.size) for d in drivers]
            return xfer(memory_map_xml(drivers), packet.rsplit(b":", 1)[1])
        if packet.startswith(b"qRcmd,"):
            return self._monitor(bytes.fromhex(packet[6:].decode()).decode("latin-1"))
        return b""

    def _supported(self) -> bytes:
        features = [f"PacketSize={PACKET_SIZE:x}"]
        if self.settings["gdb_memory_map"]:
            features.append("qXfer:memory-map:read+")
        if self.settings["gdb_target_description"]:
            features.append("qXfer:features:read+")
        features += ["QStartNoAckMode+", "vContSupported+", "swbreak+", "hwbreak+"]
        return ";".join(features).encode()

    def _monitor(self, text: str) -> bytes:
        """OpenOCD's answer: log lines as O packets, then the result hex-encoded (OK when empty); an error's
        message as an O packet, then E01."""
        saved, self.session.current_target = self.session.current_target, self.target
        keep_alive = KeepAlive(self.conn)
        try:
            ok, result = evaluate(self.session, text, log_to=self._console)
        finally:
            keep_alive.stop()
            self.session.current_target = saved
            self.flash_cache.clear()  # the command may have written flash or run the core
        if not ok:
            self._console(result + "\n")
            return b"E01"
        return result.encode("utf-8", "replace").hex().encode() if result else b"OK"

    def _v_packet(self, packet: bytes) -> bytes | None:
        if packet == b"vCont?":
            return b"vCont;c;C;s;S;t"
        if packet.startswith(b"vCont;"):
            action = packet[6:].split(b";")[0].split(b":")[0]
            if action[:1] in (b"c", b"C"):
                return self._continue(None)
            if action[:1] in (b"s", b"S"):
                return self._step(None)
            if action[:1] == b"t":
                self._interrupt()
                return None if self.waiting else b"OK"
            raise PacketError(f"vCont action {action!r}")
        if packet.startswith(b"vFlash") and not self.settings["gdb_flash_program"]:
            return b""
        if packet.startswith(b"vFlashErase:"):
            address, length = packet[12:].split(b",")
            self._flash_load().erase(parse_hex(address), parse_hex(length))
            return b"OK"
        if packet.startswith(b"vFlashWrite:"):
            address, data = packet[12:].split(b":", 1)
            self._flash_load().write(parse_hex(address), data)
            return b"OK"
        if packet == b"vFlashDone":
            load, self.load = self._flash_load(), None
            load.done()
            return b"OK"
        if packet.startswith(b"vRun") and self.extended:
            self._restart()
            return b"S00"  # what OpenOCD answers after its reset halt
        return b""

    def _flash_load(self) -> FlashLoad:
        if self.load is None:
            self.load = FlashLoad(self.session, self.target, target_drivers(self.session, self.target))
        return self.load

    # -- registers and memory -----------------------------------------------------------------------------
    def _core(self):
        core = self.target.core
        if core.state != "halted":
            core.poll()
        return core

    def read_registers(self, _body: bytes) -> bytes:
        core = self._core()
        registers = general_registers(core.info.registers)
        core.prefetch(r.name for r in registers)
        return b"".join(reg_hex(core, r) for r in registers)

    def write_registers(self, body: bytes) -> bytes:
        core = self._core()
        data = bytes.fromhex(body.decode())
        registers = general_registers(core.info.registers)
        if len(data) != sum(reg_bytes(r) for r in registers):
            raise PacketError(f"G packet of {len(data)} bytes for {len(registers)} registers")
        offset = 0
        for reg in registers:
            size = reg_bytes(reg)
            core.write_reg(reg.name, int.from_bytes(data[offset:offset + size], "little"))
            offset += size
        return b"OK"

    def _register(self, number: int):
        for reg in self.target.core.info.registers:
            if reg.number == number:
                return reg
        raise PacketError(f"gdb requested a non-existing register (reg_num={number})")

    def read_register(self, body: bytes) -> bytes:
        reg = self._register(parse_hex(body))
        return reg_hex(self._core(), reg)

    def write_register(self, body: bytes) -> bytes:
        number, value = body.split(b"=")
        reg = self._register(parse_hex(number))
        self._core().write_reg(reg.name, int.from_bytes(bytes.fromhex(value.decode()), "little"))
        return b"OK"

    def read_memory(self, body: bytes) -> bytes:
        address, length = (parse_hex(x) for x in body.split(b","))
        if length > PACKET_SIZE // 2:
            raise PacketError(f"read of {length} bytes is larger than the packet size")
        try:
            if any(start <= address and address + length <= end for start, end in self.flash_ranges):
                return self._cached_flash(address, length).hex().encode()
            return read_any(self.target.core.mem, address, length).hex().encode()
        except OcdError as e:  # OpenOCD's default (gdb_report_data_abort disable): zeros, and the error logged
            message = str(e.result)
            where = f"0x{address:08x}"
            self.log.error(message if where in message else f"Failed to read memory at {where}: {message}")
            return b"E01" if self.settings["gdb_report_data_abort"] else b"00" * length

    def _cached_flash(self, address: int, length: int) -> bytes:
        """Flash bytes from whole aligned word blocks, each read once while the core stays halted: gdb reads
        the same few instructions around the pc a dozen times per stop, in pieces of 2 and 4 bytes."""
        first = address - address % CACHE_BLOCK
        data = bytearray()
        for block in range(first, address + length, CACHE_BLOCK):
            if block not in self.flash_cache:
                self.flash_cache[block] = self.target.core.mem.read(block, CACHE_BLOCK, 4)
            data += self.flash_cache[block]
        return bytes(data[address - first:address - first + length])

    def write_memory(self, body: bytes) -> bytes:
        where, data = body.split(b":", 1)
        return self._store(where, bytes.fromhex(data.decode()), "M")

    def write_binary(self, body: bytes) -> bytes:
        where, data = body.split(b":", 1)
        return self._store(where, data, "X")

    def _store(self, where: bytes, payload: bytes, packet: str) -> bytes:
        """M and X: `addr,length` then the data, hex-encoded or binary (already unescaped)."""
        address, length = (parse_hex(x) for x in where.split(b","))
        if len(payload) != length:
            raise PacketError(f"{packet} packet length does not match its data")
        if length:
            write_any(self.target.core.mem, address, payload)
        return b"OK"

    # -- run control --------------------------------------------------------------------------------------
    def cont(self, body: bytes) -> bytes | None:
        return self._continue(parse_hex(body) if body else None)

    def cont_signal(self, body: bytes) -> bytes | None:
        _, _, address = body.partition(b";")
        return self._continue(parse_hex(address) if address else None)

    def step(self, body: bytes) -> bytes | None:
        return self._step(parse_hex(body) if body else None)

    def step_signal(self, body: bytes) -> bytes | None:
        _, _, address = body.partition(b";")
        return self._step(parse_hex(address) if address else None)

    def _continue(self, address: int | None) -> bytes | None:
        core = self._core()
        if core.state != "halted":
            self.log.warning("WARNING! The target is already running. All changes GDB did to registers will be "
                             "discarded! Waiting for target to halt.")
        else:
            resume_target(self.session, self.target, address)
        self.waiting = True
        self._chase = 0
        self.conn.loop.call_later(CHASE_DELAYS[0], self._look)
        return None

    def _look(self) -> None:
        """Poll soon after a resume, so a breakpoint a few instructions on answers without the 100 ms wait."""
        if not self.waiting or self.conn.closed:
            return
        poll_one(self.session, self.target)
        self._chase += 1
        if self.waiting and self._chase < len(CHASE_DELAYS):
            self.conn.loop.call_later(CHASE_DELAYS[self._chase], self._look)

    def _step(self, address: int | None) -> bytes | None:
        self._core()
        self.waiting = True
        try:
            step_target(self.session, self.target, address, quiet=True)
        except OcdError:
            self.waiting = False
            raise
        return None

    def _interrupt(self) -> None:
        if not self.waiting:
            return
        core = self.target.core
        core.halt()
        poll_one(self.session, self.target)

    def awaits_halt(self, target) -> bool:
        return target is self.target and (self.waiting or self.attaching)

    def target_halted(self, target) -> None:
        if target is self.target:
            self.flash_cache.clear()
        if target is self.target and self.waiting and not self.conn.closed:
            self.waiting = False
            self._reply(self.stop_reply())

    def status(self, _body: bytes) -> bytes:
        core = self._core()
        return b"S%02x" % (self.signal(core) if core.state == "halted" else 0)

    @staticmethod
    def signal(core) -> int:
        reason = core.halt_reason
        if reason == "debug-request":
            return SIGINT
        if reason in ("breakpoint", "watchpoint", "breakpoint-and-watchpoint", "single-step"):
            return SIGTRAP
        return 0

    def stop_reply(self) -> bytes:
        """T<signal>, the reason gdb can use (swbreak/hwbreak/watch with the address), and the registers gdb
        reads first, so a step costs it no further round trip for them."""
        core = self.target.core
        core.prefetch(self._register(number).name for number in EXPEDITED)
        reason = core.halt_reason
        parts = [b"T%02x" % self.signal(core)]
        if "watchpoint" in reason:
            hit = core.hit_watchpoint()
            if hit is not None:
                parts.append(f"{WATCH_REASONS[hit.access]}:{hit.address:08x};".encode())
        elif reason == "breakpoint":
            pc = core.read_reg("pc")
            hardware = any(b.address == pc and b.hardware for b in core.breakpoints)
            parts.append(b"hwbreak:;" if hardware else b"swbreak:;")
        parts.append(b"thread:1;")
        for number in EXPEDITED:
            parts.append(b"%02x:" % number + reg_hex(core, self._register(number)) + b";")
        return b"".join(parts)

    def detach(self, _body: bytes) -> bytes | None:
        """OpenOCD's D: OK, and the core stays as it is (halted); gdb then closes the connection, which
        fires gdb-detach and lets go of this gdb's breakpoints."""
        return b"OK"

    def kill(self, _body: bytes) -> bytes | None:
        """OpenOCD's k: in extended mode gdb stays attached and gets no reply; otherwise OK and the end."""
        if self.extended:
            return None
        self._reply(b"OK")
        self.conn.close()
        return None

    def _restart(self) -> None:
        """Extended-remote R/vRun: OpenOCD's ocd_gdb_restart, which is `reset halt`."""
        ok, message = evaluate(self.session, "reset halt")
        if not ok:
            raise OcdError(message)

    def restart(self, _body: bytes) -> bytes | None:
        """R: no reply, as in OpenOCD."""
        if self.extended:
            self._restart()
        return None

    def extended_mode(self, _body: bytes) -> bytes:
        self.extended = True
        return b"OK"

    # -- breakpoints and watchpoints ------------------------------------------------------------------------
    def insert_point(self, body: bytes) -> bytes:
        kind, address, length = self._point(body)
        core = self._core()
        if kind <= 1:
            if address in self.breakpoints and any(b.address == address for b in core.breakpoints):
                return b"OK"
            override = self.settings["gdb_breakpoint_override"]
            core.add_breakpoint(address, length, hardware=override == "hard" if override else kind == 1)
            self.breakpoints.add(address)
        else:
            core.add_watchpoint(address, length, "wra"[kind - 2])
            self.watchpoints.add(address)
        return b"OK"

    def remove_point(self, body: bytes) -> bytes:
        kind, address, _ = self._point(body)
        core = self._core()
        if kind <= 1:
            self.breakpoints.discard(address)
            if any(b.address == address for b in core.breakpoints):
                core.remove_breakpoint(address)
            else:
                self.log.error(f"no breakpoint at address 0x{address:08x} found")
        else:
            self.watchpoints.discard(address)
            core.remove_watchpoint(address)
        return b"OK"

    @staticmethod
    def _point(body: bytes) -> tuple[int, int, int]:
        kind, address, length = body.split(b";")[0].split(b",")[:3]
        number = parse_hex(kind)
        if number > 4:
            raise PacketError(f"invalid gdb watch/breakpoint type({number})")
        return number, parse_hex(address), parse_hex(length)


class KeepAlive:
    """An empty console packet every second while a `monitor` command runs, as OpenOCD sends, so that gdb
    (whose reply timeout is 2 s) waits for a long `monitor flash write_image` instead of resending it."""

    PERIOD = 1.0

    def __init__(self, conn) -> None:
        self.conn = conn
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gdb keep-alive", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._done.wait(self.PERIOD):
            self.conn.send_now(frame(b"O"))

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def reg_hex(core, reg) -> bytes:
    return core.read_reg(reg.name).to_bytes(reg_bytes(reg), "little").hex().encode()


def xfer(document: bytes, window: bytes) -> bytes:
    """One qXfer read: `m` and a piece while more follows, `l` with the last piece."""
    offset, length = (parse_hex(x) for x in window.split(b","))
    piece = document[offset:offset + min(length, PACKET_SIZE - 8)]
    return (b"l" if offset + len(piece) >= len(document) else b"m") + piece


# Packets that neither run the core nor write anything: the flash cache survives them.
READ_ONLY = frozenset((b"m", b"g", b"p", b"q", b"?", b"H", b"T"))
# One thread (1), where OpenOCD reports none (QC0, an empty list): gdb keeps a stop reply's expedited
# registers only for a thread it knows.
SIMPLE = {b"vMustReplyEmpty": b"", b"qAttached": b"1", b"qC": b"QC1", b"qfThreadInfo": b"m1",
          b"qsThreadInfo": b"l", b"qOffsets": b"Text=0;Data=0;Bss=0", b"qSymbol::": b"OK", b"qTStatus": b""}
HANDLERS = {
    b"g": GdbClient.read_registers, b"G": GdbClient.write_registers, b"p": GdbClient.read_register,
    b"P": GdbClient.write_register, b"m": GdbClient.read_memory, b"M": GdbClient.write_memory,
    b"X": GdbClient.write_binary, b"c": GdbClient.cont, b"C": GdbClient.cont_signal, b"s": GdbClient.step,
    b"S": GdbClient.step_signal, b"?": GdbClient.status, b"D": GdbClient.detach, b"k": GdbClient.kill,
    b"R": GdbClient.restart, b"!": GdbClient.extended_mode, b"Z": GdbClient.insert_point,
    b"z": GdbClient.remove_point, b"H": lambda self, body: b"OK", b"T": lambda self, body: b"OK",
}
