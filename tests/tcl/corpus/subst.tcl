#---- subst_all
set x 5
puts [subst {x=$x cmd=[expr {$x * 2}] nl=\t|}]
#---- subst_nocommands
set x 5
puts [subst -nocommands {$x [expr 1]}]
#---- subst_novariables
set x 5
puts [subst -novariables {$x [expr {1+1}]}]
#---- subst_nobackslashes
set x 5
puts [subst -nobackslashes {$x\t[set x]}]
#---- subst_combined_flags
set x 5
puts [subst -nocommands -novariables {$x [cmd] \x41}]
#---- subst_braces_not_special
set x 5
puts [subst {{$x}}]
#---- subst_array
set a(k) v
puts [subst {$a(k)}]
#---- subst_error
catch {subst {$nosuch}} e
puts $e
#---- subst_nested_quotes
set name "Bob"
puts [subst {"$name"}]
#---- subst_break_in_command
puts [subst {a[break]b}]
#---- subst_continue_in_command
puts [subst {a[continue]b}]
#---- subst_return_value
set t {Hello ${who}!}
set who World
puts [subst $t]
#---- subst_template_loop
set tpl {item $i of $n}
set n 3
for {set i 1} {$i <= $n} {incr i} { puts [subst $tpl] }
#---- subst_bad_option
catch {subst -foo x} e
puts $e
#---- subst_unicode_escape
puts [subst {\u0041\x42\103}]
#---- subst_empty
puts "<[subst {}]>"
#---- subst_double_evaluation
set a {$b}
set b final
puts [subst $a]
puts [subst [subst {$a}]]
#---- var_subst_nested_command_in_index
set a(2) two
set i 1
puts $a([incr i])
#---- command_subst_in_braces_word
set x [string length {[not evaluated]}]
puts $x
#---- subst_semicolon_in_command
puts [subst {[set a 1; set b 2]}]
