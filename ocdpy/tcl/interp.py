"""The interpreter: frames, variables, procs, command dispatch and error locations.

Commands are Python callables `fn(interp, argv) -> value`, argv[0] being the
command name. Non-ok completions travel as exceptions (see errors.py). Each
evaluated script carries a location (file, first line) so that errors can be
reported with file and line the way jimsh reports them.
"""
from __future__ import annotations

import sys
from typing import Callable

from . import parser
from .errors import (BREAK, CONTINUE, ERROR, OK, RETURN, TclBreak, TclContinue, TclControl, TclError,
                     TclReturn, TclTailcall, wrong_args)
from .lexer import TclParseError
from .expr import compile_expr
from .parser import CAT, CMD, EXP, LIT, VAR, VARIDX, Script
from .values import remove_key, to_dict, to_list, to_str

_MISSING = object()
NO_DEFAULT = _MISSING  # a proc parameter without a default value
CommandFn = Callable[["Interp", list], object]


class Link:
    """A variable that lives in another frame (upvar, global), possibly an array element there."""

    __slots__ = ("vars", "name", "key")

    def __init__(self, vars_: dict, name: str) -> None:
        self.vars = vars_
        self.name, self.key = split_array_name(name)


class Frame:
    __slots__ = ("vars", "level", "parent", "argv", "proc", "loc", "on_exit")

    def __init__(self, level: int, parent: "Frame | None", argv: list | None = None, proc=None, loc=None) -> None:
        self.vars: dict = {}
        self.level = level
        self.parent = parent
        self.argv = argv
        self.proc = proc
        self.loc = loc
        self.on_exit: list | None = None


def text_to_bytes(text: str) -> bytes:
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace")


def split_array_name(name: str) -> tuple[str, str | None]:
    if name.endswith(")"):
        open_at = name.find("(")
        if open_at > 0:
            return name[:open_at], name[open_at + 1:-1]
    return name, None


class Proc:
    """A procedure defined by `proc`, `lambda` or `apply`; `statics` persist across calls."""

    __slots__ = ("name", "params", "body", "loc", "_script", "statics", "required", "plain_names")

    def __init__(self, name: str, params: list, body, loc: tuple, statics: dict | None = None) -> None:
        self.name = name
        self.params = [self._param(p) for p in params]
        if sum(1 for n, _ in self.params if n == "args") > 1:
            raise TclError("'args' specified more than once")
        self.required = sum(1 for n, d in self.params if d is _MISSING and n != "args")
        # the common case, only required parameters, binds with one zip
        self.plain_names = None if self.required != len(self.params) else tuple(n for n, _ in self.params)
        self.body = body
        self.loc = loc
        self.statics = statics
        self._script: Script | None = None

    @staticmethod
    def _param(p) -> tuple:
        parts = to_list(p)
        if len(parts) > 2:
            raise TclError(f'too many fields in argument specifier "{to_str(p)}"')
        if not parts or not to_str(parts[0]):
            raise TclError("argument with no name")
        return (to_str(parts[0]), parts[1] if len(parts) == 2 else _MISSING)

    def usage(self, name: str) -> str:
        words = [name]
        for pname, default in self.params:
            if pname == "args":
                words.append(f"?{'arg' if default is _MISSING else to_str(default)} ...?")
            elif default is _MISSING:
                words.append(pname)
            else:
                words.append(f"?{pname}?")
        return " ".join(words)

    def bind(self, frame_vars: dict, argv: list, usage_name: str) -> None:
        """Jim's order: required parameters first, then optional ones left to right, `args` last.

        `{args name}` collects the extra words into `name` instead of `args`.
        """
        names = self.plain_names
        if names is not None and len(argv) - 1 == len(names) and not self.statics:
            frame_vars.update(zip(names, argv[1:]))
            return
        nargs = len(argv) - 1
        spare = nargs - self.required
        optional = sum(1 for n, d in self.params if d is not _MISSING and n != "args")
        has_args = any(n == "args" for n, _ in self.params)
        if spare < 0 or (not has_args and spare > optional):
            raise wrong_args(self.usage(usage_name))
        rest = max(0, spare - optional)
        spare -= rest
        i = 1
        for pname, default in self.params:
            if pname == "args":
                frame_vars["args" if default is _MISSING else to_str(default)] = list(argv[i:i + rest])
                i += rest
            elif default is _MISSING:
                frame_vars[pname] = argv[i]
                i += 1
            elif spare > 0:
                frame_vars[pname] = argv[i]
                i += 1
                spare -= 1
            else:
                frame_vars[pname] = default
        if self.statics:
            for sname in self.statics:
                frame_vars[sname] = Link(self.statics, sname)

    def __call__(self, interp: "Interp", argv: list):
        return interp.call_proc(self, argv)

    def script(self) -> Script:
        if self._script is None:
            self._script = parser.parse(to_str(self.body))
        return self._script


class Interp:
    """One Tcl interpreter: a global frame, a command table and the call stack."""

    def __init__(self) -> None:
        self.commands: dict[str, CommandFn] = {}
        self.global_frame = Frame(0, None)
        self.frame = self.global_frame
        self.cur_cmd = None
        self.cur_loc: tuple = ("", 1)
        self.script_file = ""
        self.depth = 0
        self.max_depth = 1000
        self.channels = {"stdout": sys.stdout, "stderr": sys.stderr}
        self.last_trace: list = []  # Jim's `info stacktrace`: where the last caught error came from
        self.safe = False  # when True, commands that touch host files refuse to run
        from .builtins import register_all
        register_all(self)
        self.builtin_expr = self.commands["expr"]

    # -- commands ---------------------------------------------------------------
    def register(self, name: str, fn: CommandFn) -> None:
        self.commands[name] = fn

    def lookup(self, name: str) -> CommandFn | None:
        fn = self.commands.get(name)
        if fn is None and name.startswith("::"):
            fn = self.commands.get(name[2:])
        return fn

    # -- output ------------------------------------------------------------------
    def write(self, channel: str, text: str) -> None:
        """Write Tcl text (bytes held as latin-1) to a channel; embedders replace `channels`."""
        stream = self.channels.get(channel)
        if stream is None:
            raise TclError(f'can not find channel named "{channel}"')
        buffer = getattr(stream, "buffer", None)
        if buffer is None:
            stream.write(text)
            return
        if channel == "stderr":
            sys.stdout.flush()
        buffer.write(text_to_bytes(text))
        if channel == "stderr":
            buffer.flush()

    def flush(self) -> None:
        for stream in self.channels.values():
            try:
                stream.flush()
            except (OSError, ValueError):
                pass

    # -- variables -------------------------------------------------------------
    def _locate(self, name: str) -> tuple[dict, str, str | None]:
        """Follow upvar/global links: the dict holding the variable, its name there, and an array key."""
        base, key = split_array_name(name)
        if base.startswith("::"):
            vars_, base = self.global_frame.vars, base.lstrip(":")
        else:
            vars_ = self.frame.vars
        while True:
            v = vars_.get(base, _MISSING)
            if type(v) is not Link:
                return vars_, base, key
            vars_, base = v.vars, v.name
            if v.key is not None:
                key = v.key

    def getvar(self, name: str):
        v = self.frame.vars.get(name, _MISSING)
        if type(v) is not Link and v is not _MISSING:
            return v
        vars_, base, key = self._locate(name)
        v = vars_.get(base, _MISSING)
        if v is _MISSING:
            raise TclError(f'can\'t read "{name if key is None else split_array_name(name)[0]}": no such variable')
        if key is None:
            return v
        return self._element(v, key, name)

    def get_element(self, name: str, key):
        """`$name(key)`: the element of an array (a dict) variable."""
        vars_, base, outer = self._locate(name)
        v = vars_.get(base, _MISSING)
        key = to_str(key)
        if v is _MISSING:
            raise TclError(f'can\'t read "{name}": no such variable')
        if outer is not None:  # `name` is itself linked to an element
            v = self._element(v, outer, name)
        return self._element(v, key, f"{name}({key})")

    @staticmethod
    def _element(container, key: str, shown: str):
        try:
            d = to_dict(container)
        except TclError:
            raise TclError(f'can\'t read "{shown}": variable isn\'t array') from None
        val = d.get(key, _MISSING)
        if val is _MISSING:
            raise TclError(f'can\'t read "{shown}": no such element in array')
        return val

    def var_exists(self, name: str) -> bool:
        try:
            self.getvar(name)
            return True
        except TclError:
            return False

    def setvar(self, name: str, value):
        vars_ = self.frame.vars
        v = vars_.get(name, _MISSING)
        if v is not _MISSING and type(v) is not Link:  # an existing plain variable: the common case
            vars_[name] = value
            return value
        vars_, base, key = self._locate(name)
        if key is None:
            vars_[base] = value
        else:
            self._owned_array(vars_, base, name)[key] = value
        return value

    def _owned_array(self, vars_: dict, base: str, shown: str) -> dict:
        """The array's dict, stored back in its variable and safe to change in place."""
        value = vars_.get(base, _MISSING)
        if type(value) is dict and sys.getrefcount(value) <= 3:  # vars_, `value`, getrefcount's argument
            return value
        try:
            d = {} if value is _MISSING else dict(to_dict(value))
        except TclError:
            raise TclError(f'can\'t set "{shown}": variable isn\'t array') from None
        vars_[base] = d
        return d

    def owned_value(self, name: str, kind: type):
        """The variable's value as a `kind` (list or dict) that it alone holds, to change in place.

        Copy on write: the stored object is reused only when the variable is its sole holder, which
        keeps `lappend` or `dict set` in a loop linear. An unset variable starts empty.
        """
        convert = to_list if kind is list else to_dict
        vars_, base, key = self._locate(name)
        holder, slot = (vars_, base) if key is None else (self._owned_array(vars_, base, name), key)
        value = holder.get(slot, _MISSING)
        if type(value) is kind and sys.getrefcount(value) <= 3:
            return value
        fresh = kind() if value is _MISSING else kind(convert(value))
        holder[slot] = fresh
        return fresh

    def unsetvar(self, name: str, nocomplain: bool = False) -> None:
        vars_, base, key = self._locate(name)
        if base not in vars_:
            if nocomplain:
                return
            raise TclError(f'can\'t unset "{name}": no such variable')
        if key is None:
            del vars_[base]
            return
        d = self._owned_array(vars_, base, name)
        if key not in d:
            if nocomplain:
                return
            raise TclError(f'can\'t unset "{name}": no such element in array')
        remove_key(d, key)

    def link(self, local: str, target_vars: dict, target: str) -> None:
        """Make `local` in the current frame an alias of `target` in `target_vars`."""
        vars_ = self.frame.vars
        if target_vars is vars_ and target == local:
            raise TclError('can\'t upvar from variable to itself')
        existing = vars_.get(local, _MISSING)
        if existing is not _MISSING and type(existing) is not Link:
            raise TclError(f'variable "{local}" already exists')
        vars_[local] = Link(target_vars, target)

    def frame_at(self, spec, default_up: int = 1) -> Frame:
        """Resolve an uplevel/upvar level: `#N` absolute, `N` relative."""
        s = to_str(spec)
        if s.startswith("#"):
            target = int(s[1:]) if s[1:].isdigit() else -1
        elif s.lstrip("-").isdigit():
            target = self.frame.level - int(s)
        else:
            raise TclError(f'bad level "{s}"')
        f = self.frame
        while f is not None and f.level > target:
            f = f.parent
        if f is None or f.level != target or target < 0:
            raise TclError(f'bad level "{s}"')
        return f

    # -- evaluation ------------------------------------------------------------
    def parse(self, text: str) -> Script:
        return parser.parse(text)

    def eval(self, script, loc: tuple | None = None):
        """Evaluate a script value; its location is found from the calling command when possible."""
        text = to_str(script)
        try:
            compiled = parser.parse(text)
        except TclParseError as e:
            err = TclError(e.result)
            file, base = loc or self.loc_of(script)
            err.file, err.line, err.located = file, base + e.line - 1, True
            raise err from None
        return self.eval_script(compiled, loc or self.loc_of(script))

    def current_location(self) -> tuple[str, int]:
        """File and line of the command being executed."""
        file, base = self.cur_loc
        return (file, base + (self.cur_cmd.line - 1 if self.cur_cmd is not None else 0))

    def loc_of(self, value) -> tuple:
        """Where a script argument came from: the word of the current command that holds it."""
        cmd = self.cur_cmd
        file, base = self.cur_loc
        if cmd is None:
            return (file, base)
        for w in cmd.words:
            if w[1] is value:
                return (file, base + w[3] - 1)
        return (file, base + cmd.line - 1)

    def eval_script(self, script: Script, loc: tuple):
        prev_cmd, prev_loc = self.cur_cmd, self.cur_loc
        result = ""
        commands = self.commands
        for cmd in script.cmds:
            fn = None
            try:
                argv = cmd.literal
                if argv is None:
                    self.cur_cmd = cmd
                    self.cur_loc = loc
                    argv = self.subst_words(cmd, loc)
                    if not argv:
                        continue
                name = argv[0]
                fn = commands.get(name) if type(name) is str else None
                if fn is None:
                    fn = self.resolve_command(argv)
                self.cur_cmd = cmd
                self.cur_loc = loc
                result = fn(self, argv)
            except TclError as e:
                if not e.located:
                    e.file, e.line, e.located = loc[0], loc[1] + cmd.line - 1, True
                if type(fn) is Proc:
                    e.add_call(to_str(argv[0]), loc[0], loc[1] + cmd.line - 1)
                raise
            except RecursionError:
                raise TclError("Too many nested calls. Infinite recursion?") from None
        self.cur_cmd, self.cur_loc = prev_cmd, prev_loc
        return result

    def resolve_command(self, argv: list) -> CommandFn:
        name = to_str(argv[0])
        fn = self.lookup(name)
        if fn is not None:
            argv[0] = name
            return fn
        unknown = self.commands.get("unknown")
        if unknown is not None:
            return lambda interp, av: unknown(interp, ["unknown", *av])
        raise TclError(f'invalid command name "{name}"')

    def subst_words(self, cmd, loc: tuple) -> list:
        argv = []
        for w in cmd.words:
            k = w[0]
            if k == LIT:
                argv.append(w[1])
            elif k == VAR:
                v = self.frame.vars.get(w[1], _MISSING)
                argv.append(v if v is not _MISSING and type(v) is not Link else self.getvar(w[1]))
            elif k == CMD:
                argv.append(self.eval_cmdsub(w[1], loc))
            elif k == EXP:
                argv.extend(to_list(self.subst_word(w[1], loc)))
            else:
                argv.append(self.subst_word(w, loc))
        return argv

    def eval_cmdsub(self, script: Script, loc: tuple):
        """`[...]`; `[expr {...}]` goes straight to the compiled expression while `expr` is the builtin."""
        if script.expr is not None and self.commands.get("expr") is self.builtin_expr:
            self.cur_loc = loc
            try:
                return compile_expr(script.expr)(self)
            except TclError as e:
                if not e.located:
                    e.file, e.line, e.located = loc[0], loc[1] + script.cmds[0].line - 1, True
                raise
        return self.eval_script(script, loc)

    def subst_word(self, w, loc: tuple):
        k = w[0]
        if k == LIT:
            return w[1]
        if k == VAR:
            return self.getvar(w[1])
        if k == CMD:
            return self.eval_cmdsub(w[1], loc)
        if k == VARIDX:
            return self.get_element(w[1], self.subst_word(w[2], loc))
        if k == CAT:
            return "".join([to_str(self.subst_word(p, loc)) for p in w[1]])
        raise TclError("internal error: unexpected word kind")

    # -- procs -----------------------------------------------------------------
    def call_proc(self, proc: Proc, argv: list, name: str | None = None):
        """Run a proc in a new frame; a `tailcall` loops here instead of growing the stack."""
        while True:
            frame = Frame(self.frame.level + 1, self.frame, argv, proc, self.cur_loc)
            proc.bind(frame.vars, argv, to_str(argv[0]) if name is None else name)
            self.depth += 1
            if self.depth > self.max_depth:
                self.depth -= 1
                raise TclError("Too many nested calls. Infinite recursion?")
            saved = self.frame
            self.frame = frame
            try:
                return self.eval_script(proc.script(), proc.loc)
            except TclReturn as r:
                return self.finish_return(r)
            except TclTailcall as t:
                argv, name = t.argv, None
            finally:
                self.frame = saved
                self.depth -= 1
                if frame.on_exit:
                    self.run_exit_handlers(frame)
            fn = self.lookup(to_str(argv[0])) if argv else None
            if type(fn) is not Proc:
                return self.invoke(argv)
            proc = fn

    def invoke(self, argv: list):
        """Call a command from an argv list (no substitution)."""
        fn = self.commands.get(argv[0]) if type(argv[0]) is str else None
        if fn is None:
            fn = self.resolve_command(argv)
        return fn(self, argv)

    def run_exit_handlers(self, frame: Frame) -> None:
        for action in reversed(frame.on_exit):
            try:
                action()
            except TclError:
                pass

    @staticmethod
    def finish_return(r: TclReturn):
        """A `return` reaching a proc boundary: apply -code once -level is used up."""
        level = r.level - 1
        if level > 0:
            raise TclReturn(r.code, r.value, level)
        return completion(r.code, r.value, r.options)


def completion(code: int, value, options: dict | None = None):
    """Turn a (code, value) pair into a normal result or the matching exception."""
    if code == OK:
        return value
    if code == ERROR:
        err = TclError(to_str(value))
        if options:
            err.errorcode = to_str(options.get("-errorcode", "NONE"))
        raise err
    if code == RETURN:
        raise TclReturn(OK, value, 1)
    if code == BREAK:
        raise TclBreak(value)
    if code == CONTINUE:
        raise TclContinue(value)
    raise TclControl(code, value)
