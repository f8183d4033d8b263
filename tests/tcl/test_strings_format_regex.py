"""string, subst, format, scan, regexp and regsub against results recorded from jimsh 0.81."""
from __future__ import annotations

import pytest

from ocdpy.tcl.interp import Interp
from ocdpy.tcl.values import to_str

CASES = [
    # string: byte semantics, Jim's index and range rules, C-locale case and classes
    (r"string map -nocase {A x b y} aAbB", "xxyy"),
    (r"string last bc abcabc 2", "1"),
    (r"string range abcdef end-2 end+5", "def"),
    (r"string replace abcdef 1 2 XY", "aXYdef"),
    (r"string is double 1e-400", "0"),
    (r"string is integer { 0x1f }", "1"),
    (r"string match {[a-]x} ax", "0"),
    (r"string match -nocase {*ABC*} xxabcxx", "1"),
    (r'expr {[string toupper "abc\xe9"] eq "ABC\xe9"}', "1"),
    (r'string totitle "hELLO wORLD"', "Hello world"),
    (r'string trim "\0 x \0"', "x"),
    (r"string compare -nocase -length 2 ABx aby", "0"),
    (r"list [catch {string is foo x} e] $e",
     '1 {bad class "foo": must be alnum, alpha, ascii, boolean, control, digit, double, graph, '
     'integer, lower, print, punct, space, upper, or xdigit}'),
    (r"list [catch {string len} e] $e", '1 {wrong # args: should be "string len string"}'),
    # format: C printf details for integers, padding of strings, inf
    (r"format {%#o|%#x|%.0d|%-05s|%05b} 0 0 0 ab 5", "0|0||ab000|00101"),
    (r"format {%hd %u %x} 70000 -1 -1", "4464 18446744073709551615 ffffffffffffffff"),
    (r"format {%5.1f|%05f|%e} -inf inf 12345.678", " -inf|  inf|1.234568e+04"),
    (r"format {%2$s %1$s} world hello", "hello world"),
    (r"list [catch {format {%s %s} one} e] $e", "1 {not enough arguments for all format specifiers}"),
    (r"list [catch {format {%1$s %s} a b} e] $e", '1 {cannot mix "%" and "%n$" conversion specifiers}'),
    (r"list [catch {format %d 3.5} e] $e", '1 {expected integer but got "3.5"}'),
    # scan: %n, bases, sets, variables only set for non-empty fields
    (r'scan "12 34" "%d%n %d"', "12 2 {}"),
    (r'scan "0x1f 077 abc" {%x %o %[a-b]}', "31 63 ab"),
    (r'list [scan "12" "%d %d" x y] $x', "1 12"),
    (r"list [catch {scan 1 %y} e] $e", "1 {bad scan conversion character}"),
    # regexp/regsub: Jim's own engine (word anchors, classes, -line, -nocase, errors)
    (r"regexp -all -inline -indices {a(n)?} banana", "{1 2} {2 2} {3 4} {4 4} {5 5} {-1 -1}"),
    (r"regexp -inline {a\M} ab", "a"),
    (r'regexp -inline -line {^b.*$} "a\nbc\nd"', "bc"),
    (r"regexp -inline -nocase {[[:lower:]]+|[[:upper:]]+} xAb", "xAb"),
    (r'list [regexp {(\d+)-(\d+)} "ab 12-345" m a b] $m $a $b', "1 12-345 12 345"),
    (r"list [catch {regexp {a**} x} e] $e",
     "1 {couldn't compile regular expression pattern: nested count}"),
    (r"list [catch {regexp -in a b} e] $e",
     '1 {ambiguous switch "-in": must be --, -all, -indices, -inline, -line, -nocase, or -start}'),
    (r"regsub -all {(a)(n)} banana {<\2\1&\\>}", r"b<naan\><naan\>a"),
    (r"list [regsub -all -nocase N banana - r] $r", "2 ba-a-a"),
    (r'regsub -all -line {^} "ab\ncd" >', ">ab\n>cd"),
    # subst: break stops, continue drops a piece, array keys are substituted
    (r"subst {a[break]b}", "a"),
    (r"subst {a[continue]b}", "ab"),
    (r"subst -nocommands {$k [set k]}", "x [set k]"),
    (r"subst {$arr($k) ${k}}", "X x"),
]


@pytest.mark.parametrize("script, expected", CASES)
def test_matches_jimsh(script, expected):
    interp = Interp()
    interp.eval("set k x; set arr(x) X")
    assert to_str(interp.eval(script)) == expected
