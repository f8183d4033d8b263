#---- regexp_match_bool
puts [regexp {abc} xabcx]
puts [regexp {^abc} xabcx]
#---- regexp_capture
regexp {(\d+)-(\d+)} "range 10-20 end" all a b
puts "$all $a $b"
#---- regexp_no_match_vars_untouched
set m unchanged
puts [regexp {zzz} abc m]
puts $m
#---- regexp_nocase
puts [regexp -nocase {HELLO} "say hello"]
#---- regexp_inline
puts [regexp -inline {(\w+)@(\w+)} "mail bob@host now"]
#---- regexp_all_count
puts [regexp -all {a} banana]
#---- regexp_all_inline
puts [regexp -all -inline {\d+} "a1b22c333"]
#---- regexp_indices
regexp -indices {b+} aabbbcc r
puts $r
#---- regexp_optional_group_unmatched
regexp {(a)?(b)} b all g1 g2
puts "<$all><$g1><$g2>"
#---- regexp_char_classes
puts [regexp {^[A-Za-z_][A-Za-z0-9_]*$} my_var1]
puts [regexp {^[A-Za-z_][A-Za-z0-9_]*$} 1bad]
puts [regexp {^\s*$} "   "]
puts [regexp {[[:digit:]]+} abc123]
#---- regexp_alternation
foreach w {cat dog bird} { puts [regexp {^(cat|dog)$} $w] }
#---- regexp_quantifiers
puts [regexp -inline {a{2,3}} aaaa]
puts [regexp -inline {ab*?} abbb]
puts [regexp -inline {x+} yyy]
#---- regexp_start
puts [regexp -inline -start 3 {\d} "1a2b3"]
#---- regexp_line_anchors
puts [regexp -all -line {^\w+$} "one\ntwo\nthree four"]
#---- regexp_hex_pattern_openocd
set id 0x0bb11477
if {[regexp {^0x([0-9a-fA-F]{8})$} $id -> hex]} { puts "hex=$hex" }
#---- regexp_arrow_var
regexp {(\w+)=(\w+)} "key=value" -> k v
puts "$k / $v"
#---- regexp_bad_pattern
catch {regexp {(unclosed} abc} e
puts $e
#---- regsub_basic
puts [regsub {o} "foo boo" 0]
puts [regsub -all {o} "foo boo" 0]
#---- regsub_backrefs
puts [regsub {(\w+) (\w+)} "hello world" {\2 \1}]
puts [regsub -all {(\d)} "a1b2" {<\1>}]
puts [regsub {l+} hello {[&]}]
#---- regsub_var_count
set n [regsub -all {a} banana A result]
puts "$n $result"
#---- regsub_nocase
puts [regsub -all -nocase {A} "aAbB" x]
#---- regsub_no_match
puts [regsub {zzz} abc X]
#---- regsub_escape_ampersand
puts [regsub {b} abc {\&}]
#---- regsub_special_chars_in_replacement
puts [regsub {b} abc {$x[y]}]
#---- regexp_dot_newline
puts [regexp {a.b} "a\nb"]
#---- regexp_backslash_escapes
puts [regexp {\.} "a.b"]
puts [regexp {\.} "ab"]
puts [regexp {a\tb} "a\tb"]
#---- regexp_expanded_syntax_chars
puts [regexp -inline {[^,]+} "first,second"]
#---- regexp_match_empty_pattern
puts [regexp {} abc]
#---- regexp_greedy
regexp {<(.*)>} "<a><b>" -> g
puts $g
regexp {<(.*?)>} "<a><b>" -> g
puts $g
#---- regsub_line_mode
puts [regsub -all -line {^} "a\nb" "> "]
