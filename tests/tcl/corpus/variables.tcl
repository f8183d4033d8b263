#---- set_returns_value
puts [set x 10]
puts [set x]
#---- set_var_name_from_var
set name dyn
set $name 5
puts $dyn
puts [set $name]
#---- set_empty_name
set {} empty-name
puts [set {}]
#---- set_name_with_special_chars
set {a b} 1
set a.b 2
set a-b 3
puts "[set {a b}] ${a.b} ${a-b}"
#---- unset_then_read
set x 1
unset x
catch {set x} e
puts $e
#---- unset_array_element_missing
set a(1) 1
catch {unset a(2)} e
puts $e
#---- append_to_number
set n 12
append n 3
puts [expr {$n + 1}]
#---- incr_string_var_hex
set h 0xff
incr h
puts $h
#---- puts_nonewline
puts -nonewline "a"
puts -nonewline "b"
puts ""
#---- puts_stdout_channel
puts stdout "to stdout"
puts -nonewline stdout "x"
puts stdout ""
#---- puts_stderr_not_captured
puts stderr "this goes to stderr"
puts "this to stdout"
#---- puts_empty
puts ""
puts {}
#---- puts_list_value
puts [list a {b c}]
#---- var_set_twice_types
set v 5
set v "five"
puts $v
set v [list 1 2]
puts [llength $v]
#---- double_formatting_in_string
set d [expr {1.0 * 3}]
puts "d=$d"
puts [string length $d]
#---- doubles_printing_variety
foreach e {1.0/3 2.0/3 10.0/4 1e15 1e16 1e17 123456789.123 0.000001 0.0000001 -2.5*2 100.0 1e300*10} {
    puts "$e => [expr $e]"
}
#---- double_literal_preserved
set x 1.50
puts $x
puts [expr {$x}]
puts [expr {$x + 0}]
#---- double_int_arith_results
puts [expr {3.0 - 1}]
puts [expr {6 / 2.0}]
puts [expr {2.5 * 4}]
#---- double_rounding_display
puts [expr {1.1 * 1.1}]
puts [expr {100.0 / 3}]
puts [expr {1234567.0 / 10}]
#---- string_number_duality_compare
set a 10
set b 10.0
puts [expr {$a == $b}]
puts [expr {$a eq $b}]
puts [string equal $a $b]
#---- number_as_list_and_string
set n 12345
puts [llength $n]
puts [string index $n 0]
puts [lindex $n 0]
#---- list_as_number_error
set l {1 2}
catch {expr {$l + 1}} e
puts $e
#---- var_in_string_with_index_like
set x val
catch {puts "$x(notarray)"} e
puts $e
puts "${x}(notarray)"
#---- unset_whole_array_by_name
set a(1) 1
set a(2) 2
unset a
puts [info exists a]
#---- set_array_element_by_var_name
set n arr(k)
set $n hello
puts $arr(k)
#---- incr_array_element_new
incr cnt(x)
incr cnt(x)
puts $cnt(x)
#---- long_string_var
set s [string repeat abc 1000]
puts [string length $s]
puts [string range $s 2997 end]
#---- double_from_string_arith
set s "2.50"
puts [expr {$s * 2}]
puts $s
#---- int_string_with_plus
set s "+12"
puts [expr {$s + 0}]
#---- double_exponent_output
puts [expr {1.0e6}]
puts [expr {1.0e5 * 10}]
puts [expr {12345678901234.0}]
#---- double_negative_zero_and_small
puts [expr {-1.0 * 0.0}]
puts [expr {1.0e-5}]
