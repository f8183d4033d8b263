#---- array_set_get
array set a {x 1 y 2}
puts [lsort [array names a]]
puts $a(x)
puts [array get a x]
#---- array_exists
array set a {k v}
puts [array exists a]
puts [array exists nosuch]
set scalar 5
puts [array exists scalar]
#---- array_size
array set a {p 1 q 2 r 3}
puts [array size a]
puts [array size nosuch]
#---- array_names_pattern
array set a {apple 1 avocado 2 banana 3}
puts [lsort [array names a a*]]
#---- array_unset_whole
array set a {x 1}
array unset a
puts [array exists a]
puts [info exists a]
#---- array_unset_pattern
array set a {a1 1 a2 2 b1 3}
array unset a a*
puts [array names a]
#---- array_element_set
set arr(one) 1
set arr(two) 2
puts [array size arr]
puts [lsort [array names arr]]
#---- array_var_is_dict
set arr(x) 10
set arr(y) 20
puts $arr
puts [dict get $arr y]
#---- array_from_dict_var
set d {m 1 n 2}
puts $d(n)
#---- array_element_unset
set arr(a) 1
set arr(b) 2
unset arr(a)
puts [array names arr]
#---- array_missing_element
set arr(a) 1
catch {set arr(zz)} e
puts $e
#---- array_no_such_var
catch {set nope(x)} e
puts $e
#---- array_incr_append_lappend
set a(n) 1
incr a(n)
append a(s) foo
append a(s) bar
lappend a(l) x
lappend a(l) y
puts "$a(n) $a(s) $a(l)"
#---- array_info_exists
set a(k) 1
puts [info exists a(k)]
puts [info exists a(j)]
puts [info exists a]
#---- array_index_with_var
set i 3
set a($i) three
set a(x$i) xthree
puts $a(3)
puts $a(x3)
#---- array_get_all_sorted
array set a {c 3 a 1 b 2}
foreach {k v} [array get a] { set r($k) $v }
foreach k [lsort [array names r]] { puts "$k=$r($k)" }
#---- array_set_on_scalar_error
set s 1
catch {array set s {a b}} e
puts $e
#---- array_set_odd_error
catch {array set a {a b c}} e
puts $e
#---- scalar_as_array_error
set s hello
catch {set s(x) 1} e
puts $e
#---- array_in_proc_upvar
proc fill {name} {
    upvar $name arr
    set arr(a) 1
    set arr(b) 2
}
fill data
puts [lsort [array names data]]
#---- array_global
set cfg(speed) 1000
proc getspeed {} { global cfg; return $cfg(speed) }
puts [getspeed]
#---- array_foreach_names
array set colors {red ff0000 green 00ff00}
foreach n [lsort [array names colors]] {
    puts "$n: $colors($n)"
}
#---- array_set_merge
array set a {x 1}
array set a {y 2 x 3}
puts [lsort [array get a]]
puts $a(x)
#---- array_index_with_parens_in_braces
set a(f(x)) 1
puts [array names a]
#---- array_empty_index
set a() empty
puts $a()
#---- array_bad_option
catch {array frob a} e
puts $e
