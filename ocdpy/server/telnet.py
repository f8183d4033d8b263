"""The telnet console (port 4444), byte for byte as OpenOCD 0.12 serves it: the option negotiation and
banner, the `> ` prompt, line editing with history and tab completion, each command's result, and every
log message of the session (halts noticed by polling, other clients' errors and echoes) printed without
the level prefix, with the line being typed wiped before it and drawn again after it.

A command's result goes to the client that ran it only; its error goes through the log (so to the
terminal and to every telnet session), as in OpenOCD. `exit` anywhere in a line ends this session;
`shutdown` ends ocdpy (its ShutdownRequest is left to the event loop).
"""
from __future__ import annotations

from ..commands.registry import CONFIG
from ..log import without_level
from .commands import CloseConnection, evaluate
from .line_editor import (History, LineEditor, complete, encode, history_path, load_history,
                          save_history)
from .loop import Protocol
from .telnet_keys import Key, KeyDecoder

# IAC WILL SUPPRESS-GO-AHEAD, IAC WILL ECHO, IAC DO SUPPRESS-GO-AHEAD, IAC DON'T ECHO: character mode
# with the server echoing; OpenOCD answers none of the client's replies, nor does ocdpy
NEGOTIATION = b"\xff\xfb\x03\xff\xfb\x01\xff\xfd\x03\xff\xfe\x01"
BANNER = b"Open On-Chip Debugger\r\n"
ENTER_ECHO = b"\r\n\x00"


def crlf(text: str) -> bytes:
    return encode(text).replace(b"\n", b"\r\n")




class TelnetClient(Protocol):
    """One telnet console session."""

    def __init__(self, session) -> None:
        self.session = session
        self.keys = KeyDecoder()
        self.editor = LineEditor()
        self.history = History()
        self.history_file = history_path()
        self.prompt_visible = True  # False while a command of this session runs
        self.handlers = {
            Key.ENTER: self.enter, Key.TAB: self.tab, Key.UP: self.history_up, Key.DOWN: self.history_down,
            Key.BACKSPACE: self.editor.backspace, Key.DELETE: self.editor.delete, Key.LEFT: self.editor.left,
            Key.RIGHT: self.editor.right, Key.HOME: self.editor.home, Key.END: self.editor.end,
            Key.INTERRUPT: self.editor.interrupt, Key.CLEAR_LINE: self.editor.clear,
            Key.KILL_TO_END: self.editor.kill_to_end, Key.KILL_WORD: self.editor.kill_word,
        }

    # -- the connection -------------------------------------------------------------------------------------
    def connection_made(self, conn) -> None:
        super().connection_made(conn)
        conn.send(NEGOTIATION + BANNER + b"\r" + encode(self.editor.prompt))
        if self.history_file is None:
            self.session.log.info("unable to get user home directory, telnet history will be disabled")
        else:
            self.history = load_history(self.history_file)
        self.session.log.listeners.append(self.log_message)

    def connection_lost(self) -> None:
        if self.log_message in self.session.log.listeners:
            self.session.log.listeners.remove(self.log_message)
        if self.history_file is not None:
            save_history(self.history_file, self.history)

    def data_received(self, data: bytes) -> None:
        for key in self.keys.feed(data):
            if self.conn.closed:
                return
            if isinstance(key, str):
                self.conn.send(self.editor.insert(key))
            else:
                self.conn.send(self.handlers[key]() or b"")

    # -- log output -------------------------------------------------------------------------------------------
    def log_message(self, text: str) -> None:
        """Every log text of the session reaches every telnet client; over a visible prompt, the line
        being typed is wiped first and drawn again after it."""
        shown = without_level(text)
        if not shown or self.conn.closed:
            return
        if self.prompt_visible:
            self.conn.send(self.editor.erase() + crlf(shown) + self.editor.redraw())
        else:
            self.conn.send(crlf(shown))

    # -- keys with more to them than editing ------------------------------------------------------------------
    def history_up(self) -> bytes:
        line = self.history.up(self.editor.line)
        return self.editor.replace(line) if line is not None else b""

    def history_down(self) -> bytes:
        line = self.history.down()
        return self.editor.replace(line) if line is not None else b""

    def tab(self) -> bytes:
        return complete(self.editor, self.completions)

    def completions(self, prefix: str, variable: bool) -> list[str]:
        """Commands a user can run now (not group words like `flash`, nor config-stage-only commands), or
        global variables; sorted like Tcl's lsort."""
        interp = self.session.interp
        if variable:
            return sorted(n for n in interp.global_frame.vars if n.startswith(prefix))
        names = []
        for name, fn in interp.commands.items():
            spec = getattr(fn, "spec", None)
            if name.startswith(prefix) and (spec is None or (spec.handler is not None and spec.mode != CONFIG)):
                names.append(name)
        return sorted(names)

    def enter(self) -> bytes:
        line = self.editor.take()
        self.conn.send(ENTER_ECHO)
        if line == "history":  # OpenOCD's telnet answers this one itself, and does not record it
            self.history.rewind()
            return self.history.listing() + b"\r" + encode(self.editor.prompt)
        self.history.add(line)
        self.prompt_visible = False
        ok, text, exit_requested = self.run(line)
        if exit_requested:
            self.conn.close()
            return b""
        if ok:
            if text:
                self.conn.send(crlf(text + "\n"))
        else:
            self.session.log.user(text)  # errors are log output: the terminal and every telnet see them
        self.prompt_visible = True
        return b"\r" + encode(self.editor.prompt)

    def run(self, line: str) -> tuple[bool, str, bool]:
        """evaluate() the line with `exit` meaning "close this telnet session" wherever it is called from
        (a proc, a `foreach` body…), unless a `catch` stops it, as OpenOCD's telnet `exit` does.
        (ok, text, exit requested). `shutdown` passes through evaluate() to the event loop."""
        interp = self.session.interp
        tcl_exit = interp.commands.get("exit")

        def telnet_exit(interp, argv):
            raise CloseConnection()

        interp.commands["exit"] = telnet_exit
        try:
            ok, text = evaluate(self.session, line)
        except CloseConnection:
            return True, "", True
        finally:
            if interp.commands.get("exit") is telnet_exit:
                if tcl_exit is None:
                    del interp.commands["exit"]
                else:
                    interp.commands["exit"] = tcl_exit
        return ok, text, False
