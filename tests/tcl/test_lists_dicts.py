"""List, dict and array commands; every expected value was checked against jimsh 0.81."""
from __future__ import annotations

import time

import pytest

from ocdpy.tcl.errors import TclError
from ocdpy.tcl.interp import Interp
from ocdpy.tcl.runner import format_error
from ocdpy.tcl.values import to_str


def run(script: str) -> str:
    return to_str(Interp().eval(script))


def error_of(script: str) -> str:
    with pytest.raises(TclError) as info:
        Interp().eval(script)
    return info.value.result


@pytest.mark.parametrize("script, expected", [
    ("lindex {a {b c} d} 1 0", "b"),
    ("lindex {a b c} end-1", "b"),
    ("lindex {a b c} 5", ""),
    ("lindex a 0 0 0", "a"),
    ("lrange {a b c d} -5 1", "a b"),
    ("lrange {a b c d} 2 1", ""),
    ("linsert {a b} end-1 x", "a x b"),
    ("linsert {a b} -5 x", "x a b"),
    ("lreplace {a b c} 5 6 x", "a b c x"),
    ("lreplace {a b c} 2 -5 x", "a b x c"),
    ("lreplace {a b c} -1 0 x", "x b c"),
    ("lrepeat 2 {a b}", "{a b} {a b}"),
    ("lreverse {a b c}", "c b a"),
    ("lassign {a b c} x y", "c"),
    ("lassign {a} x y; list $x $y", "a {}"),
    ("concat a {b c} { d } {} {  }", "a b c d "),
    ("concat {a\\ } b", "a\\  b"),
    ("join {a {b c}} ::", "a::b c"),
    ("split {a,b,,c} ,", "a b {} c"),
    ("split { a }", "{} a {}"),
    ("list # b", "{#} b"),
    ("set s {a  b}; lappend s c", "a b c"),
    ("set s {a  b}; lappend s", "a  b"),
    ("lappend arr(k) 2; set arr", "k 2"),
    ("set l {a b}; set m $l; lappend l c; list $l $m", "{a b c} {a b}"),
    ("set l {a {b c} d}; set m $l; lset l 1 0 x; list $l $m", "{a {x c} d} {a {b c} d}"),
    ("lset nosuch x", "x"),
])
def test_list_commands(script, expected):
    assert run(script) == expected


@pytest.mark.parametrize("script, message", [
    ("lindex {a b} {1 0}", 'bad index "1 0": must be intexpr or end?[+-]intexpr?'),
    ("lindex {a b} 5 x", 'bad index "x": must be intexpr or end?[+-]intexpr?'),
    ("lrepeat -1 a", 'wrong # args: should be "lrepeat count ?value ...?"'),
    ("set l {a b c}; lset l 3 x", "list index out of range"),
    ("set l {a b c}; lset l 3 0 x", 'index "3" out of range'),
    ("lset nosuch 0 x", 'can\'t read "nosuch": no such variable'),
    ("set a 5; lappend a(x) 1", 'can\'t set "a(x)": variable isn\'t array'),
])
def test_list_errors(script, message):
    assert error_of(script) == message


@pytest.mark.parametrize("script, expected", [
    ("lsearch {ab} a*", "-1"),  # Jim's default match is -exact
    ("lsearch -glob -all -inline {ab b ac} a*", "ab ac"),
    ("lsearch -nocase {A b} a", "0"),
    ("lsearch -regexp {abc bcd} ^b", "1"),
    ("lsearch -not -bool {a b} a", "0"),
    ("lsearch -not -bool {b} a", "1"),
    ("lsearch -bool -all {a b b} b", "0 1 1"),
    ("lsearch -inline -bool {a b} b", "1"),
    ("lsearch -index 1 -inline {{a b} {c d}} d", "d"),
    ("lsearch -index {1 0} {{a {x y}}} x", "0"),
    ("lsearch -stride 2 -index 1 -inline {a 1 b 2} 2", "b 2"),
    ("lsearch -stride 2 -all -inline {a 1 b 2 b 3} b", "b 2 b 3"),
    ("lsearch -all -stride 2 {a 1 b 2 a 3} a", ""),
    ("lsearch -regexp -inline {a b} z", "0"),
    ("proc c {p v} {string equal $p $v}; lsearch -command c -all {a b a} a", "0 2"),
])
def test_lsearch(script, expected):
    assert run(script) == expected


@pytest.mark.parametrize("script, message", [
    ("lsearch -al {a} a", 'bad option "-al": must be -all, -bool, -command, -exact, -glob, -index, -inline, '
                          '-nocase, -not, -regexp, or -stride'),
    ("lsearch -index 1 {{a b} {c} {d e}} e", 'element 1 missing from sublist "c"'),
    ("lsearch -index end+1 {{a b}} e", 'index "end+1" out of range'),
    ("lsearch -stride 0 {a b} a", "stride length must be at least 1"),
    ("lsearch -regexp {ab} {^(a}", "couldn't compile regular expression pattern: parentheses () not balanced"),
    ("proc c {p v} {return -1}; lsearch -command c {a} a", "-1"),
])
def test_lsearch_errors(script, message):
    assert error_of(script) == message


@pytest.mark.parametrize("script, expected", [
    ("lsort {B a C b}", "B C a b"),
    ("lsort -nocase {_ a A Z z}", "a A Z z _"),  # folds with toupper
    ("lsort -inc {b a}", "a b"),
    ("lsort -integer -unique {1 01 2}", "01 2"),
    ("lsort -decreasing -integer {3 1 2 01}", "3 2 1 01"),
    ("lsort -real {Inf -Inf 0}", "-Inf 0 Inf"),
    ("lsort -real {nan 1 2}", "nan 1 2"),
    ("lsort -integer {9223372036854775807 -9223372036854775807 0 5 -3}",
     "9223372036854775807 -9223372036854775807 -3 0 5"),  # Jim's comparison overflows
    ("lsort -index end {{a 2} {b 1}}", "{b 1} {a 2}"),
    ("lsort -index {1 0} {{a {y 1}} {b {x 2}}}", "{b {x 2}} {a {y 1}}"),
    ("lsort -stride 2 {b 2 a 3 b 1}", "a 3 b 1 b 2"),
    ("lsort -stride 2 -index 1 -decreasing {a 1 b 2 c 3}", "c 3 b 2 a 1"),
    ("lsort -command {string compare} {c a b}", "a b c"),
    ("lsort -index x {a}", "a"),
])
def test_lsort(script, expected):
    assert run(script) == expected


def test_lsort_command_sees_glibc_merge_sort_comparisons():
    script = "set log {}; proc k {a b} {lappend ::log $a$b; string compare $a $b}; lsort -command k -unique {a b a}"
    interp = Interp()
    assert to_str(interp.eval(script)) == "a b"
    assert to_str(interp.getvar("log")) == "ba aa aa ab"


@pytest.mark.parametrize("script, message", [
    ("lsort -i {b a}", 'ambiguous option "-i": must be -ascii, -command, -decreasing, -increasing, -index, '
                       '-integer, -nocase, -real, -stride, or -unique'),
    ("lsort -integer {1 y x}", 'expected integer but got "y"'),
    ("lsort -index 2 {{a 2} {b 1}}", 'element 2 missing from sublist "a 2"'),
    ("lsort -index 3 {{a 2} {b 1}}", 'index "3" out of range'),
    ("lsort -index {} {b a}", '"-index" option must be followed by list index'),
    ("lsort -stride 3 {b 1 a 2}", "list size must be a multiple of the stride length"),
    ("lsort -stride 1 {b a}", "stride length must be at least 2"),
    ("lsort -stride {a b}", 'wrong # args: should be "lsort ?options? list"'),
])
def test_lsort_errors(script, message):
    assert error_of(script) == message


@pytest.mark.parametrize("script, expected", [
    ("dict create a 1 b 2 a 3", "a 3 b 2"),
    ("dict get {a 1 b}", "a 1 b"),
    ("dict get {a {x 1} b 2} a x", "1"),
    ("dict exists {a {x 1}} a y", "0"),
    ("dict getwithdefault {a {x 1}} a y 5", "5"),
    ("dict keys {a 1 b 2 ab 3} a*", "a ab"),
    ("dict values {a 1 b 2 ab 3} {[12]}", "1 2"),
    ("dict merge {a 1 b 2} {b 3 c 4} {a 5}", "a 5 b 3 c 4"),
    ("dict replace {a 1 a 2} b 1", "a 2 b 1"),
    ("dict remove {a 1 b 2 c 3 d 4 e 5} b a", "d 4 e 5 c 3"),  # the last entry fills the hole
    ("set d {a 1 b 2 c 3}; dict unset d a; dict set d a 5", "c 3 b 2 a 5"),
    ("set d {a {x 1}}; dict set d b x 2", "a {x 1} b {x 2}"),
    ("set d {a {x 1}}; set i [dict get $d a]; dict set d a x 2; list $d $i", "{a {x 2}} {x 1}"),
    ("dict set a(x) k v; set a", "x {k v}"),
    ("dict unset nd a; info exists nd", "1"),
    ("set d {a 1}; dict incr d a 1+1", "a 3"),
    ("set d {a 9223372036854775807}; dict incr d a", "a -9223372036854775808"),
    ("set d {a {b c}}; dict lappend d b", "a {b c} b {}"),
    ("set d {a 1}; dict append d a 2 3", "a 123"),
    ("dict info {a 1}", "2 entries in table, 16 buckets"),
    ("set r {}; dict for {k v} {a 1 a 2} {lappend r $k$v}; set r", "a1 a2"),
    ("proc p {} {dict for {k v} {a 1} {return x}; return y}; p", "x"),
])
def test_dict_commands(script, expected):
    assert run(script) == expected


@pytest.mark.parametrize("script, expected", [
    ("set d {a 1 b 2}; dict with d {set a 5; set c 3}; set d", "a 5 b 2"),
    ("set d {a 1 b 2}; dict with d {set b}", "a 1 b 2"),  # the result is the last write-back's
    ("set d {a 1}; catch {dict with d {set a 2; error boom}}; set d", "a 1"),
    ("set d {a {x 1}}; set r [dict with d a {set d {a 5}}]; list $r $d", "{missing value to go with key} {a 5}"),
    ("set d {a 1}; dict with d {unset d}; info exists d", "0"),
    ("set d {a 1 b 2}; dict update d a x c y {set y 5; unset x}; set d", "b 2 c 5"),
    ("set d {a 1 b 2}; catch {dict update d a x {set x 7; error boom}}; set d", "a 7 b 2"),
    ("set x 9; set d {b 1}; dict update d a x {}; set d", "b 1 a 9"),
    ("proc p {} {set d {a 1}; dict update d a x {return early}; return late}; p", "late"),
    ("proc p {} {set d {a 1}; dict with d {return early}; return late}; p", "early"),
])
def test_dict_with_and_update(script, expected):
    assert run(script) == expected


@pytest.mark.parametrize("script, message", [
    ("dict g x", 'bad subcommand "g": must be append, create, exists, for, get, getwithdefault, incr, info, keys, '
                 'lappend, merge, remove, replace, set, size, unset, update, values, or with'),
    ("dict get {a 1 b 2} c", 'key "c" not known in dictionary'),
    ("dict exists {a 1 b} a", "missing value to go with key"),
    ("set d {a {x 1 y 2}}; dict unset d b x", 'key "b" not known in dictionary'),
    ("set d {a 1}; dict incr d a 1.5", 'expected integer expression but got "1.5"'),
    ("set d {a 1}; dict append d q", 'can\'t read "str": no such variable'),
    ("dict for {k} {a 1} {}", "must have exactly two variable names"),
    ("dict update d a x", 'wrong # args: should be "dict update varName ?arg ...? script"'),
    ("dict replace {a 1} a", 'wrong # args: should be "dict replace dictionary ?key value ...?"'),
])
def test_dict_errors(script, message):
    assert error_of(script) == message


def test_stdlib_dict_proc_errors_point_into_stdlib_tcl():
    interp = Interp()
    with pytest.raises(TclError) as info:
        interp.eval("set d {a 1}\nproc f {} {\n global d\n dict incr d a x\n}\nf\n", ("e.tcl", 1))
    assert format_error(info.value) == (
        'stdlib.tcl:159: Error: expected integer expression but got "x"\n'
        "in procedure 'f' called at file \"e.tcl\", line 6\n"
        "in procedure 'dict incr' called at file \"e.tcl\", line 4\n"
        'at file "stdlib.tcl", line 159')


@pytest.mark.parametrize("script, expected", [
    ("array set a {x 1 y 2}; array get a", "x 1 y 2"),
    ("array set n {x 1 x 2}; list [array get n] $n", "{x 1 x 2} {x 1 x 2}"),
    ("set a {p q}; array set a {x 1}; set a", "p q x 1"),
    ("array set a(x) {y 1}; set a", "x {y 1}"),
    ("set a {x 1 yy 2 xz 3}; array names a x*", "x xz"),
    ("set a {x 1 y}; list [array size a] [array exists a]", "0 0"),
    ("set a {x 1 yy 2 xz 3}; array unset a x*; set a", "yy 2"),
    ("set a(x) 1; array unset a; info exists a", "0"),
    ("set u {}; for {set i 0} {$i < 20} {incr i} {set u(k$i) $i}; array stat u", "40 entries in table, 64 buckets"),
    ("array n nosuch", ""),
    ("array -help na", "Usage: array names arrayName ?pattern?"),
    ("array -commands", "exists get names set size stat unset"),
])
def test_array(script, expected):
    assert run(script) == expected


@pytest.mark.parametrize("script, message", [
    ("array s a", 'array, ambiguous command "s": should be exists, get, names, set, size, stat, unset'),
    ("array", 'wrong # args: should be "array command ..."\nUse "array -help ?command?" for help'),
    ("array e a b", 'wrong # args: should be "array exists arrayName"'),
    ("array set a {x 1 y}", "list must have an even number of elements"),
    ("set a 5; array set a {x 1}", "missing value to go with key"),
    ("set a {x 1 y}; array names a", "missing value to go with key"),
    ("array stat nosuch", '"nosuch" isn\'t an array'),
])
def test_array_errors(script, message):
    assert error_of(script) == message


@pytest.mark.parametrize("script", [
    "set l {}; for {set i 0} {$i < $n} {incr i} {lappend l $i}",
    "set d {}; for {set i 0} {$i < $n} {incr i} {dict set d $i $i}",
])
def test_growing_a_variable_in_a_loop_is_linear(script):
    """Copy on write must change the variable's own list/dict in place, not copy it every time."""
    def seconds(n: int) -> float:
        interp = Interp()
        interp.setvar("n", n)
        start = time.perf_counter()
        interp.eval(script)
        return time.perf_counter() - start
    seconds(2000)
    small, large = seconds(20000), seconds(80000)
    assert large < 10 * small  # quadratic growth would be about 16 times
