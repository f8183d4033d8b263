"""GDB packet framing: checksums, acks, the interrupt byte, escapes, run-length encoding, the size limit, and
packets arriving in any pieces."""
from __future__ import annotations

from hypothesis import given, strategies as st

from ocdpy.server.gdb_packets import PacketReader, decode, escape, frame


def kinds(events):
    return [(e.kind, e.payload) for e in events]


def test_a_packet_and_acks_and_the_interrupt():
    reader = PacketReader(64)
    assert kinds(reader.feed(b"+-\x03$qC#b4")) == [("ack", b""), ("nak", b""), ("interrupt", b""),
                                                   ("packet", b"qC")]


def test_bad_checksum_and_non_hex_checksum():
    reader = PacketReader(64)
    assert kinds(reader.feed(b"$qC#00$qC#zz")) == [("bad", b"qC"), ("bad", b"qC")]


def test_escapes_and_run_length_are_decoded():
    assert decode(b"a}\x03b}]") == b"a#b}"
    assert decode(b"0* ") == b"0000"  # ' ' is 32: three more
    assert decode(b"x") == b"x"


def test_oversize_packet_is_counted_not_kept():
    reader = PacketReader(16)
    events = reader.feed(b"$" + b"a" * 1000)
    assert events == [] and len(reader._raw) == 16
    assert kinds(reader.feed(b"#00$qC#b4")) == [("oversize", b"1000"), ("packet", b"qC")]


def test_a_new_packet_start_abandons_a_half_packet():
    reader = PacketReader(64)
    assert kinds(reader.feed(b"$qSupp$qC#b4")) == [("packet", b"qC")]


def test_garbage_outside_packets_is_ignored():
    reader = PacketReader(64)
    assert kinds(reader.feed(b"hello#12\xff$qC#b4")) == [("packet", b"qC")]


@given(st.binary(max_size=200), st.integers(min_value=1, max_value=50))
def test_framed_payloads_survive_any_split(payload, piece):
    data = frame(payload)
    reader = PacketReader(1024)
    events = []
    for i in range(0, len(data), piece):
        events += reader.feed(data[i:i + piece])
    assert kinds(events) == [("packet", payload)]


@given(st.binary(max_size=100))
def test_escape_leaves_no_framing_bytes(payload):
    body = escape(payload)
    assert not any(c in body for c in b"$#*")
    assert decode(body) == payload
