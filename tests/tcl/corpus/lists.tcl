#---- list_basic
puts [list a b c]
puts [list]
puts [list {}]
#---- list_quoting_spaces
puts [list "a b" c]
puts [list "a  b" "" x]
#---- list_quoting_braces
puts [list "a{b" c]
puts [list "a}b"]
puts [list "{ab}"]
puts [list "{"]
puts [list "}"]
#---- list_quoting_quotes
puts [list {"a"} b]
puts [list {a"b}]
puts [list "\""]
#---- list_quoting_backslash
puts [list "a\\b"]
puts [list "\\"]
puts [list "a\\"]
#---- list_quoting_hash
puts [list #a b]
puts [list b #a]
puts [list "#"]
#---- list_quoting_special_chars
puts [list {$x} {[cmd]} {a;b}]
puts [list "a\nb"]
puts [list "a\tb"]
#---- list_quoting_mixed_unbalanced
puts [list "a{b}c d"]
puts [list "a\{b c"]
puts [list "x}y{z"]
#---- list_roundtrip_special
set items [list "a b" "{" "}" "\\" "\"" "" "#x" {$y} "a\nb" "x}y"]
set l [list {*}$items]
puts [llength $l]
set ok 1
for {set i 0} {$i < [llength $items]} {incr i} {
    if {[lindex $l $i] ne [lindex $items $i]} { set ok 0 }
}
puts $ok
puts $l
#---- list_nested
set l [list a [list b [list c d]] e]
puts $l
puts [lindex $l 1 1 0]
#---- llength_various
puts [llength {}]
puts [llength {a b c}]
puts [llength {a {b c} d}]
puts [llength "  a   b  "]
puts [llength {"a b" c}]
#---- llength_invalid_list
catch {llength {a {b}c}} e
puts $e
#---- llength_unmatched_brace
catch {llength "a \{b"} e
puts $e
#---- lindex_basic
set l {a b c d e}
puts [lindex $l 0]
puts [lindex $l 4]
puts [lindex $l end]
puts [lindex $l end-1]
puts "<[lindex $l 10]>"
puts "<[lindex $l -1]>"
#---- lindex_no_index
puts [lindex {a b c}]
#---- lindex_nested_list_arg
catch {lindex {{a b} {c d}} {1 0}} e
puts $e
puts [lindex {{a b} {c d}} 1 1]
#---- lindex_index_arith
puts [lindex {a b c d e} 1+2]
puts [lindex {a b c d e} end-1-1]
#---- lindex_bad_index
catch {lindex {a b} foo} e
puts $e
#---- lappend_basic
set l {}
lappend l a
lappend l "b c" d
puts $l
puts [llength $l]
#---- lappend_creates_var
lappend newlist x y
puts $newlist
#---- lappend_returns
set l a
puts [lappend l b]
#---- lrange_basic
set l {a b c d e}
puts [lrange $l 1 3]
puts [lrange $l 0 end]
puts [lrange $l 3 end]
puts "<[lrange $l 3 1]>"
puts [lrange $l -5 1]
puts [lrange $l end-1 end]
#---- lrange_preserves_quoting
puts [lrange {a {b c} "d e" f} 1 2]
#---- lsearch_basic
set l {apple banana cherry banana}
puts [lsearch $l banana]
puts [lsearch $l grape]
puts [lsearch $l b*]
puts [lsearch $l *]
#---- lsearch_options
set l {apple banana cherry banana}
puts [lsearch -exact $l banana]
puts [lsearch -all $l banana]
puts [lsearch -glob $l *an*]
puts [lsearch -all -glob $l *an*]
puts [lsearch -inline $l c*]
puts [lsearch -regexp $l {^ch}]
puts [lsearch -not $l apple]
puts [lsearch -all -inline -not $l banana]
#---- lsearch_nocase
puts [lsearch -nocase {Alpha Beta} beta]
#---- lsearch_exact_glob_chars
puts [lsearch -exact {a* b c} a*]
puts [lsearch {ab a* c} a*]
#---- lsort_basic
puts [lsort {banana apple cherry}]
puts [lsort -decreasing {banana apple cherry}]
#---- lsort_integer
puts [lsort -integer {10 2 33 4}]
puts [lsort {10 2 33 4}]
puts [lsort -integer -decreasing {10 2 33 4}]
#---- lsort_real
puts [lsort -real {1.5 0.25 10 3}]
#---- lsort_unique
puts [lsort -unique {c a b a c}]
#---- lsort_nocase
puts [lsort -nocase {b A c D}]
#---- lsort_index
puts [lsort -index 1 {{a 3} {b 1} {c 2}}]
puts [lsort -integer -index 1 -decreasing {{a 3} {b 10} {c 2}}]
#---- lsort_command
proc bylen {a b} { expr {[string length $a] - [string length $b]} }
puts [lsort -command bylen {ccc a bb dddd}]
#---- lsort_ascii_case
puts [lsort {b B a A _ 1}]
#---- lsort_bad_integer
catch {lsort -integer {1 x 3}} e
puts $e
#---- linsert_basic
set l {a b c}
puts [linsert $l 0 X]
puts [linsert $l 1 X Y]
puts [linsert $l end X]
puts [linsert $l end-1 X]
puts [linsert $l 10 X]
#---- lreplace_basic
set l {a b c d e}
puts [lreplace $l 1 2 X]
puts [lreplace $l 1 2]
puts [lreplace $l 0 0 X Y Z]
puts [lreplace $l end end Z]
puts [lreplace $l 2 1 NEW]
#---- lset_basic
set l {a b c}
lset l 1 X
puts $l
set m {{a b} {c d}}
lset m 1 0 Y
puts $m
lset m 0 1 Z
puts $m
catch {lset m {0 1} W} e
puts $e
#---- lset_end
set l {a b c}
lset l end Q
puts $l
#---- lset_out_of_range
set l {a b c}
catch {lset l 5 X} e
puts $e
#---- lset_whole
set l {a b c}
catch {lset l {} {new list}} e
puts $e
puts $l
#---- lassign_basic
set rest [lassign {1 2 3 4} a b]
puts "$a $b | $rest"
lassign {x} p q
puts "<$p><$q>"
#---- lrepeat_basic
puts [lrepeat 3 a]
puts [lrepeat 2 a b]
puts "<[lrepeat 0 a]>"
#---- lreverse_basic
puts [lreverse {a b c d}]
puts [lreverse {{a b} c}]
puts "<[lreverse {}]>"
#---- concat_basic
puts [concat a b c]
puts [concat {a b} {c d}]
puts [concat " a " " b "]
puts [concat {a {b c}} d]
puts "<[concat]>"
puts [concat {} a {} b]
#---- join_basic
puts [join {a b c}]
puts [join {a b c} ,]
puts [join {a b c} ", "]
puts [join {{a b} c} -]
puts "<[join {} ,]>"
#---- split_basic
puts [split "a,b,c" ,]
puts [split "a b  c"]
puts [split "abc" ""]
puts [split "a,b;c" ",;"]
puts [llength [split ",a,,b," ,]]
#---- split_special
puts [split "a{b c" ""]
puts [split "a b\tc\nd"]
#---- list_string_rep_canonical
set l "  a   b   c  "
puts [lrange $l 0 end]
puts [llength $l]
#---- list_string_dual
set s "a b c"
lappend s d
puts $s
puts [string length $s]
#---- foreach_over_list_with_braces
foreach x {{a b} c {d {e f}}} { puts $x }
#---- lsort_decreasing_unique
puts [lsort -decreasing -unique {3 1 2 3 1}]
#---- list_with_empty_elements
set l [list a "" b ""]
puts $l
puts [llength $l]
#---- lindex_of_string_with_quotes
puts [lindex {"a b" c} 0]
puts [lindex {{a b} "c d"} 1]
#---- lsearch_bad_option
catch {lsearch -start 2 {a b a b} a} e
puts $e
#---- lrange_end_arith
puts [lrange {a b c d e f} end-3 end-1]
#---- lassign_rest_empty
puts "<[lassign {1 2} x y]>"
#---- split_empty_string
puts [llength [split "" ,]]
puts [llength [split ""]]
