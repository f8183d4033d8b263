#---- switch_exact_basic
set x b
switch $x {
    a { puts A }
    b { puts B }
    default { puts other }
}
#---- switch_default
switch zzz {
    a { puts A }
    default { puts DEFAULT }
}
#---- switch_no_match_no_default
puts "<[switch q { a { puts A } }]>"
#---- switch_fallthrough
foreach v {a b c d} {
    switch $v {
        a -
        b { puts "$v: a or b" }
        c - d { puts "$v: c or d" }
    }
}
#---- switch_glob
foreach f {main.c util.h README} {
    switch -glob $f {
        *.c { puts "$f C source" }
        *.h { puts "$f header" }
        default { puts "$f other" }
    }
}
#---- switch_regexp
foreach v {abc 123 a1} {
    switch -regexp $v {
        {^[a-z]+$} { puts "$v letters" }
        {^[0-9]+$} { puts "$v digits" }
        default { puts "$v mixed" }
    }
}
#---- switch_exact_with_glob_chars
switch -exact "a*" {
    a* { puts literal-star }
    default { puts no }
}
#---- switch_double_dash
set v -glob
switch -- $v {
    -glob { puts "matched -glob" }
    default { puts no }
}
#---- switch_separate_args
set x 2
switch $x 1 { puts one } 2 { puts two } default { puts other }
#---- switch_returns_value
set r [switch b { a { set x 1 } b { set x 2 } }]
puts $r
#---- switch_first_match_wins
switch abc {
    abc { puts first }
    abc { puts second }
}
#---- switch_in_proc_return
proc kind {x} {
    switch -glob -- $x {
        0x* { return hex }
        [0-9]* { return dec }
        default { return unknown }
    }
}
puts [kind 0x10]
puts [kind 42]
puts [kind foo]
#---- switch_body_with_vars
set name World
switch hi {
    hi { puts "Hello $name" }
}
#---- switch_last_fallthrough_error
catch {switch a { a - }} e
puts $e
#---- switch_bad_option
catch {switch -foo x {x {puts y}}} e
puts $e
#---- switch_odd_pattern_list
catch {switch a {a}} e
puts $e
#---- switch_default_not_last
switch x {
    default { puts def }
    x { puts x }
}
#---- switch_numeric_strings_exact
switch 1.0 {
    1 { puts one }
    1.0 { puts one-point-oh }
}
#---- switch_break_in_loop
foreach v {1 2 3} {
    switch $v {
        2 { break }
        default { puts $v }
    }
}
#---- switch_empty_string
switch "" {
    "" { puts empty }
    default { puts nonempty }
}
#---- switch_nocase_option
catch {switch -nocase ABC {abc {puts lower}}} e
puts $e
