#---- dict_create_get
set d [dict create a 1 b 2 c 3]
puts $d
puts [dict get $d b]
puts [dict get $d]
#---- dict_create_duplicate_keys
puts [dict create a 1 b 2 a 3]
#---- dict_get_nested
set d [dict create outer [dict create inner 42]]
puts [dict get $d outer inner]
#---- dict_get_missing
set d {a 1}
catch {dict get $d z} e
puts $e
#---- dict_set_basic
set d {}
dict set d x 10
dict set d y 20
dict set d x 30
puts $d
#---- dict_set_nested
dict set cfg net ip 10.0.0.1
dict set cfg net mask 255.0.0.0
dict set cfg name box
puts $cfg
puts [dict get $cfg net mask]
#---- dict_exists
set d {a 1 b {c 2}}
puts [dict exists $d a]
puts [dict exists $d z]
puts [dict exists $d b c]
puts [dict exists $d b z]
#---- dict_keys_values
set d {one 1 two 2 three 3}
puts [dict keys $d]
puts [dict values $d]
puts [dict keys $d t*]
#---- dict_for
set d {a 1 b 2 c 3}
dict for {k v} $d {
    puts "$k=$v"
}
#---- dict_for_break
dict for {k v} {a 1 b 2 c 3} {
    if {$k eq "b"} break
    puts $k
}
#---- dict_unset
set d {a 1 b 2 c 3}
dict unset d b
puts $d
dict unset d zz
puts $d
#---- dict_unset_nested
set d {a {x 1 y 2} b 3}
dict unset d a x
puts $d
#---- dict_incr
set d {count 5}
dict incr d count
dict incr d count 10
dict incr d other
puts $d
#---- dict_lappend
set d {l {a b}}
dict lappend d l c d
dict lappend d new x
puts $d
#---- dict_merge
puts [dict merge {a 1 b 2} {b 3 c 4} {d 5}]
puts [dict merge]
#---- dict_size
puts [dict size {a 1 b 2}]
puts [dict size {}]
#---- dict_with
set d {name foo size 10}
dict with d {
    puts "$name $size"
    set size 20
}
puts $d
#---- dict_with_nested
set d {inner {x 1 y 2}}
dict with d inner {
    incr x
}
puts $d
#---- dict_odd_list_error
catch {dict get {a 1 b} a} e
puts $e
#---- dict_is_list
set d [dict create k1 "hello world" k2 {}]
puts $d
puts [llength $d]
puts [lindex $d 1]
#---- dict_list_duality
set l {x 1 y 2}
puts [dict get $l y]
lappend l z 3
puts [dict get $l z]
#---- dict_keys_order_preserved
set d {}
foreach k {zeta alpha mid} { dict set d $k 1 }
puts [dict keys $d]
#---- dict_append
set d {a x}
dict append d a y z
dict append d b q
puts $d
#---- dict_replace_remove
puts [dict replace {a 1 b 2} b 3 c 4]
puts [dict remove {a 1 b 2 c 3} a c]
#---- dict_get_default_like
set d {a 1}
if {[dict exists $d b]} { puts [dict get $d b] } else { puts default }
#---- dict_bad_subcommand
catch {dict frob {}} e
puts $e
#---- dict_set_on_nonexistent_nested_nonlist
set d {a 1}
catch {dict set d a b 2} e
puts $e
#---- dict_for_values_with_spaces
dict for {k v} {greeting {hello there} n 2} { puts "$k -> $v" }
#---- dict_incr_non_integer
set d {a x}
catch {dict incr d a} e
puts $e
#---- dict_merge_nested_not_deep
puts [dict merge {a {x 1}} {a {y 2}}]
#---- dict_keys_values_empty
puts "<[dict keys {}]><[dict values {}]>"
#---- dict_canonical_from_string
set d "  a   1   b   2 "
dict set d c 3
puts $d
#---- dict_with_unset_var
set d {p 1 q 2}
dict with d {
    unset p
}
puts $d
