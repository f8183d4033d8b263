#---- braces_no_subst
set x 5
puts {$x [set x] \n}
#---- quotes_subst
set x 5
puts "x is $x and [expr {$x + 1}]"
#---- nested_braces
puts {a {b {c d}} e}
#---- escaped_brace_in_braces
puts {a \{ b}
#---- backslash_newline_in_braces
puts {line1 \
line2}
#---- backslash_newline_in_quotes
puts "line1 \
      line2"
#---- backslash_newline_between_words
puts [llength [list a\
b]]
#---- backslash_newline_puts_channel_error
puts a\
b
#---- backslash_newline_command_continuation
set x [list a \
   b \
   c]
puts $x
puts [llength $x]
#---- escape_n_t
puts "a\tb\nc"
#---- escape_hex
puts "\x41\x42\x43"
#---- escape_hex_lower
puts "\x61\x7a"
#---- escape_unicode_ascii
puts "\u0041\u0062"
#---- escape_unicode_length
puts [string length "\u00e9"]
puts [string length "\u20ac"]
#---- escape_octal
puts "\101\102\60"
#---- escape_octal_short
puts "\7x" 
puts [string length "\7"]
#---- escape_unknown_char
puts "\q\z\%"
#---- escape_backslash
puts "a\\b"
puts {a\\b}
#---- escape_dollar_bracket
puts "\$x \[cmd\]"
#---- escape_quote_in_quotes
puts "she said \"hi\""
#---- bare_word_escapes
puts a\tb
puts a\$b
#---- escape_r_a_v_f
puts [string length "\r\a\v\f\b"]
#---- escape_hex_max_two_digits
puts "\x414"
#---- quotes_inside_word
puts a"b"c
#---- braces_inside_word
puts a{b}c
#---- empty_braces_and_quotes
puts [string length {}]
puts [string length ""]
puts "<>"
#---- semicolon_separates
set a 1; set b 2; puts "$a $b"
#---- semicolon_in_braces
puts {a;b}
#---- semicolon_in_quotes
puts "a;b"
#---- comment_start
# this is a comment
puts ok
#---- comment_after_semicolon
puts one ;# trailing comment
puts two
#---- comment_continuation
# comment continues \
puts hidden
puts visible
#---- hash_not_comment_mid_command
puts #notacomment
#---- comment_unbalanced_brace_in_body_error
proc f {} {
    # a comment with a { brace
    return ok
}
puts [f]
#---- comment_indented
    # indented comment
puts fine
#---- hash_in_list
set l [list a #b c]
puts $l
puts [lindex $l 1]
#---- brace_quote_literal
puts {"quoted"}
#---- quote_brace_literal
puts "{braced}"
#---- multiline_braces
set body {
  one
  two
}
puts [string length $body]
puts [string trim $body]
#---- backslash_newline_whitespace_collapse
set s "a\
      b"
puts [string length $s]
puts $s
#---- unicode_escape_literal_output
puts "caf\u00e9"
#---- dollar_alone
puts "cost: $"
puts $
#---- dollar_followed_by_nonname
puts "a$-b"
#---- brace_after_close_error
catch {eval {puts {a}b}} e
puts $e
#---- quote_followed_by_chars_accepted
catch {eval {puts "a"b}} e
puts $e
#---- missing_close_brace_error
catch {eval "puts \{abc"} e
puts $e
#---- missing_close_bracket_error
catch {eval {puts [set x}} e
puts $e
#---- missing_close_quote_error
catch {eval {puts "abc}} e
puts $e
#---- bracket_in_quotes_multiple
set a 1
puts "[incr a][incr a][incr a]"
#---- nested_command_subst
puts [string toupper [string range [list hello world] 0 4]]
#---- empty_command_subst
puts "<[]>"
#---- command_subst_multiple_commands
puts [set a 1; set b 2]
#---- variable_braced_name
set {my var} 10
puts ${my var}
puts "${my var}x"
#---- variable_name_boundary
set x abc
puts $x.txt
puts $x-y
puts ${x}y
#---- namespace_style_var
set ::g 7
puts $::g
puts $g
#---- array_element_subst
set arr(one) 1
set arr(two) 2
set k two
puts "$arr(one) $arr($k)"
#---- array_element_with_command_index
set a(3) three
puts $a([expr {1+2}])
#---- array_index_with_spaces_in_quotes
set "a(x y)" 1
puts $a(x\ y)
puts [array names a]
#---- double_subst_not_done
set a {$b}
set b 5
puts $a
#---- expand_basic
set l {a b c}
puts [list {*}$l d]
puts [llength [list {*}$l d]]
#---- expand_empty
set l {}
puts [llength [list x {*}$l y]]
#---- expand_command
puts [list {*}[list 1 2] {*}{3 4}]
#---- expand_in_cmd_name
set cmd {puts hello}
{*}$cmd
#---- expand_not_at_word_start
puts [llength [list a{*}b]]
#---- star_braces_literal_in_quotes
puts "{*}abc"
