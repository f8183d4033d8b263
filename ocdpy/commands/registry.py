"""OpenOCD's command registry: multi-word names, the config/exec stage, usage and help.

Like OpenOCD, a multi-word command (`adapter speed`) is an interpreter command
whose name contains a space, and its first word (`adapter`) is a group command
that re-dispatches. Handlers take the arguments after the command words and
return a Tcl value.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..errors import OcdError
from ..tcl.values import to_str

CONFIG, EXEC, ANY = "config", "exec", "any"
Handler = Callable[[list], object]


@dataclass
class CommandSpec:
    name: str
    handler: Handler | None
    mode: str = ANY
    usage: str = ""
    help: str = ""
    children: dict = field(default_factory=dict)


class UsageError(OcdError):
    """Wrong arguments: carries the command's usage line."""


class Registry:
    """Holds every OpenOCD command of a session and wires it into the interpreter."""

    def __init__(self, session) -> None:
        self.session = session
        self.interp = session.interp
        self.specs: dict[str, CommandSpec] = {}

    def add(self, name: str, handler: Handler | None, mode: str = ANY, usage: str = "", help: str = "") -> None:
        """Register `name` (words separated by spaces); missing group commands are created on the way."""
        words = name.split(" ")
        spec = self.specs.get(name)
        if spec is None:
            spec = self.specs[name] = CommandSpec(name, handler, mode, usage, help)
        else:
            spec.handler, spec.mode, spec.usage, spec.help = handler, mode, usage or spec.usage, help or spec.help
        self.interp.register(name, self._bind(spec))
        for depth in range(1, len(words)):
            parent = " ".join(words[:depth])
            group = self.specs.get(parent)
            if group is None:
                group = self.specs[parent] = CommandSpec(parent, None)
                self.interp.register(parent, self._bind(group))
            group.children[words[depth]] = " ".join(words[:depth + 1])

    def is_recorded(self, name: str) -> bool:
        """Whether `name` is only a placeholder that records settings (so a real object may take it over)."""
        spec = self.specs.get(name)
        return spec is not None and getattr(spec.handler, "recorded", False)

    def remove(self, name: str) -> None:
        for key in [k for k in self.specs if k == name or k.startswith(name + " ")]:
            self.specs.pop(key)
            self.interp.commands.pop(key, None)

    def _bind(self, spec: CommandSpec):
        def command(interp, argv):
            return self.call(spec, argv[1:])
        command.spec = spec
        return command

    def call(self, spec: CommandSpec, args: list):
        if args and spec.children:
            sub = to_str(args[0])
            child = spec.children.get(sub)
            if child is not None:
                return self.call(self.specs[child], args[1:])
            if spec.handler is None:
                raise OcdError(f'{spec.name}: invalid subcommand "{sub}"\n{self.usage_text(spec.name)}')
        if spec.handler is None:
            raise OcdError(f"{spec.name}: missing subcommand\n{self.usage_text(spec.name)}")
        self.check_stage(spec)
        try:
            return spec.handler(args)
        except UsageError as e:
            raise OcdError(f"{e.result}\nUsage: {spec.name} {spec.usage}".rstrip()) from None

    def check_stage(self, spec: CommandSpec) -> None:
        stage = self.session.stage
        if spec.mode == EXEC and stage != EXEC:
            raise OcdError(f"The '{spec.name}' command must be used after 'init'.")
        if spec.mode == CONFIG and stage != CONFIG:
            raise OcdError(f"The '{spec.name}' command must be used before 'init'.")

    def usage_text(self, prefix: str = "") -> str:
        lines = []
        for name in sorted(self.specs):
            spec = self.specs[name]
            if spec.handler is not None and (not prefix or name == prefix or name.startswith(prefix + " ")):
                lines.append(f"  {name} {spec.usage}".rstrip())
        return "\n".join(lines)

    def help_text(self, prefix: str = "") -> str:
        lines = []
        for name in sorted(self.specs):
            spec = self.specs[name]
            if spec.handler is None or (prefix and prefix not in name):
                continue
            lines.append(f"{name} {spec.usage}".rstrip())
            if spec.help:
                lines.append(f"      {spec.help}")
        return "\n".join(lines)


def recorder(session, name: str) -> Handler:
    """A handler that keeps a command's arguments in `session.settings[name]` without acting on them:
    for OpenOCD commands that configs use but ocdpy does not implement yet."""
    def handler(args):
        session.settings.setdefault(name, []).append([to_str(a) for a in args])
        return ""
    handler.recorded = True
    return handler


def need(args: list, low: int, high: int | None = None) -> list[str]:
    """The arguments as strings, or a UsageError when their count is outside [low, high]."""
    high = low if high is None else high
    if len(args) < low or (high >= 0 and len(args) > high):
        raise UsageError("Invalid command argument")
    return [to_str(a) for a in args]


def parse_number(text: str, what: str = "number") -> int:
    """OpenOCD's numeric arguments: decimal, 0x hex or 0 octal-style prefixes as strtoul reads them."""
    s = text.strip()
    try:
        if s.lower().startswith(("0x", "-0x")):
            return int(s, 16)
        if len(s) > 1 and s.startswith("0") and s.isdigit():
            return int(s, 8)
        return int(s, 10)
    except ValueError:
        raise OcdError(f'{what} option value (\'{text}\') is not valid') from None
