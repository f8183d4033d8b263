#---- upvar_basic
proc setit {name val} { upvar $name v; set v $val }
setit x 42
puts $x
#---- upvar_level_1_explicit
proc incrit {name} { upvar 1 $name v; incr v }
set c 5
incrit c
puts $c
#---- upvar_global_level
proc deep {} { upvar #0 gv local; set local deepset }
proc mid {} { deep }
mid
puts $gv
#---- upvar_level_2
proc inner {} { upvar 2 outerVar v; set v changed }
proc outer {} { set outerVar orig; inner; return $outerVar }
puts [outer]
puts $outerVar
#---- upvar_multiple_pairs
proc swap {a b} {
    upvar $a x $b y
    set t $x; set x $y; set y $t
}
set p 1; set q 2
swap p q
puts "$p $q"
#---- upvar_array
proc addkey {arrName k v} { upvar $arrName a; set a($k) $v }
addkey cfg speed 100
addkey cfg mode fast
puts [lsort [array names cfg]]
#---- upvar_array_element
set a(x) 1
proc bump {} { upvar a(x) e; incr e }
bump
puts $a(x)
#---- upvar_unset_through_link
set v 1
proc kill {} { upvar v l; unset l }
kill
puts [info exists v]
#---- upvar_create_var
proc mk {} { upvar newvar n; set n created }
mk
puts $newvar
#---- upvar_bad_level
proc f {} { upvar 5 x y }
catch {f} e
puts $e
#---- uplevel_basic
proc f {} { uplevel 1 {set fromUplevel yes} }
f
puts $fromUplevel
#---- uplevel_default_level
proc f {} { uplevel {set u 1} }
f
puts $u
#---- uplevel_global
proc f {} { uplevel #0 {set glob 99} }
proc g {} { f }
g
puts $glob
#---- uplevel_concat_args
proc f {} { uplevel 1 set x 7 }
f
puts $x
#---- uplevel_returns_value
set q 10
proc f {} { uplevel 1 {expr {$q * 2}} }
puts [f]
#---- uplevel_sees_caller_locals
proc caller {} { set loc 5; callee }
proc callee {} { uplevel 1 {incr loc}; uplevel 1 {set loc} }
puts [caller]
#---- uplevel_control_construct
proc repeat {n body} {
    for {set i 0} {$i < $n} {incr i} { uplevel 1 $body }
}
set total 0
repeat 4 { incr total 5 }
puts $total
#---- uplevel_break_in_body
proc myloop {body} {
    foreach x {1 2 3 4} {
        set code [catch {uplevel 1 $body} r]
        if {$code == 3} break
    }
}
set seen {}
myloop { lappend seen x; if {[llength $seen] == 2} break }
puts $seen
#---- global_in_nested_proc
set G 1
proc a {} { global G; incr G; b }
proc b {} { global G; incr G }
a
puts $G
#---- global_array
array set garr {a 1}
proc f {} { global garr; set garr(b) 2 }
f
puts [lsort [array names garr]]
#---- variable_in_proc_global_ns
set nsvar 10
proc f {} { variable nsvar; return $nsvar }
puts [f]
#---- variable_set_value
proc f {} { variable vv 5 }
f
puts $vv
#---- local_proc
proc outer {} {
    local proc helper {} { return "helper result" }
    return [helper]
}
puts [outer]
puts [llength [info commands helper]]
#---- local_restores_previous
proc helper {} { return original }
proc outer {} {
    local proc helper {} { return temporary }
    helper
}
puts [outer]
puts [helper]
#---- upvar_same_name
proc f {x} { upvar $x x2; set x2 "set via $x" }
f target
puts $target
#---- uplevel_level_0
proc f {} { set loc inner; uplevel 0 {set loc} }
puts [f]
#---- upvar_toplevel_0
set a 1
upvar 0 a b
set b 2
puts $a
#---- info_level_with_uplevel
proc f {} { uplevel 1 {info level} }
proc g {} { f }
puts [g]
