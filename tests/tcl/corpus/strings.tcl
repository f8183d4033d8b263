#---- string_length
puts [string length hello]
puts [string length ""]
puts [string length "a b c"]
puts [string length 12345]
#---- string_length_bytes_utf8
puts [string length "\u00e9t\u00e9"]
puts [string length "日本"]
#---- string_bytelength
puts [string bytelength "abc"]
#---- string_index
puts [string index hello 0]
puts [string index hello end]
puts [string index hello end-1]
puts "<[string index hello 10]>"
puts "<[string index hello -1]>"
puts [string index hello 1+1]
#---- string_range
puts [string range hello 1 3]
puts [string range hello 2 end]
puts [string range hello -5 1]
puts "<[string range hello 3 1]>"
puts [string range hello 0 100]
#---- string_compare
puts [string compare abc abd]
puts [string compare abd abc]
puts [string compare abc abc]
puts [string compare ab abc]
puts [string compare -nocase ABC abc]
#---- string_compare_length
puts [string compare -length 2 abc abd]
#---- string_equal
puts [string equal abc abc]
puts [string equal abc ABC]
puts [string equal -nocase abc ABC]
puts [string equal -length 2 abc abd]
#---- string_match_glob
puts [string match a* apple]
puts [string match a* banana]
puts [string match *an* banana]
puts [string match ?pple apple]
puts [string match {[a-c]*} banana]
puts [string match {[!a-c]*} banana]
puts [string match -nocase A* apple]
#---- string_match_escapes
puts [string match {a\*b} {a*b}]
puts [string match {a\*b} {axb}]
puts [string match {*\?} {what?}]
#---- string_match_brackets
puts [string match {[abc]} b]
puts [string match {[abc]} d]
puts [string match {x[0-9]y} x5y]
puts [string match {[]]} {]}]
#---- string_match_empty
puts [string match "" ""]
puts [string match * ""]
puts [string match ? ""]
#---- string_map_basic
puts [string map {a 1 b 2} abcab]
puts [string map {abc X ab Y} abcab]
puts [string map -nocase {A x} aAbB]
puts [string map {} abc]
#---- string_map_order
puts [string map {aa X a Y} aaa]
puts [string map {1 one 11 eleven} 111]
#---- string_map_odd_error
catch {string map {a} abc} e
puts $e
#---- string_first_last
puts [string first b abcabc]
puts [string first x abcabc]
puts [string first bc abcabc 2]
puts [string last b abcabc]
puts [string last b abcabc 3]
puts [string first "" abc]
#---- string_trim
puts <[string trim "  hi  "]>
puts <[string trimleft "  hi  "]>
puts <[string trimright "  hi  "]>
puts <[string trim "xxhixx" x]>
puts <[string trim "abchicba" abc]>
puts <[string trimleft "001200" 0]>
puts <[string trimright "001200" 0]>
#---- string_trim_whitespace_kinds
puts <[string trim "\t\n hi \r\n"]>
#---- string_case
puts [string tolower "Hello World"]
puts [string toupper "Hello World"]
puts [string totitle "hello world"]
#---- string_repeat
puts [string repeat ab 3]
puts <[string repeat ab 0]>
puts [string repeat - 10]
#---- string_reverse
puts [string reverse hello]
puts <[string reverse ""]>
#---- string_is_classes
puts [string is digit 123]
puts [string is digit 12a]
puts [string is alpha abc]
puts [string is alpha ab1]
puts [string is alnum ab1]
puts [string is space "  "]
puts [string is upper ABC]
puts [string is lower abc]
puts [string is xdigit 0fF]
puts [string is double 1.5]
puts [string is double abc]
puts [string is boolean yes]
puts [string is boolean maybe]
#---- string_is_strict
puts [string is digit ""]
puts [string is digit -strict ""]
puts [string is integer -strict ""]
#---- string_is_more_classes
puts [string is control "\t"]
puts [string is print "a b"]
puts [string is graph "a b"]
puts [string is punct !?]
puts [string is ascii abc]
#---- string_replace
puts [string replace hello 1 3 XY]
puts [string replace hello 0 0]
puts [string replace hello 2 end !]
puts [string replace hello 3 1 X]
#---- string_cat
puts [string cat a b c]
puts <[string cat]>
puts [string cat "a b" {c}]
#---- string_bad_subcommand
catch {string frobnicate x} e
puts $e
#---- string_wrong_args
catch {string length} e
puts $e
#---- string_number_duality
set x 007
puts [string length $x]
puts [expr {$x + 1}]
puts $x
#---- string_equal_numbers_not_numeric
puts [string equal 1 1.0]
puts [string compare 10 9]
#---- append_basic
set s hello
append s " " world
puts $s
append s
puts $s
#---- append_new_var
append brand new
puts $brand
#---- append_returns
set s a
puts [append s b c]
#---- string_index_of_number
puts [string index 12345 2]
#---- string_range_of_list
puts [string range {a {b c} d} 2 6]
#---- string_toupper_extra_args_error
catch {string toupper hello 1 3} e
puts $e
#---- string_first_multi
set s "the quick brown fox"
set i [string first " " $s]
puts [string range $s 0 [expr {$i - 1}]]
puts [string range $s [expr {[string last " " $s] + 1}] end]
#---- string_map_with_special
puts [string map {\{ ( \} )} "{a}"]
puts [string map [list "\n" "\\n"] "a\nb"]
#---- string_compare_bytes
puts [string compare a B]
puts [string compare -nocase a B]
#---- string_match_case
puts [string match ABC abc]
#---- string_trim_chars_special
puts [string trim {[hello]} {[]}]
puts [string trim "--==x==--" "-="]
#---- string_length_escape
puts [string length "\t\n"]
puts [string length {\t\n}]
#---- string_repeat_neg
catch {string repeat ab -1} e
puts <$e>
