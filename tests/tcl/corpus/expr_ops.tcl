#---- arith_basic
puts [expr {1 + 2}]
puts [expr {7 - 10}]
puts [expr {6 * 7}]
puts [expr {7 / 2}]
puts [expr {7 % 3}]
#---- int_division_negative
puts [expr {-7 / 2}]
puts [expr {7 / -2}]
puts [expr {-7 / -2}]
#---- int_modulo_negative
puts [expr {-7 % 3}]
puts [expr {7 % -3}]
puts [expr {-7 % -3}]
#---- double_division
puts [expr {7.0 / 2}]
puts [expr {1 / 3.0}]
puts [expr {10 / 4.0}]
#---- double_integral_formatting
puts [expr {2.0 * 3}]
puts [expr {1.5 + 1.5}]
puts [expr {0.0}]
puts [expr {-0.0 * 1}]
#---- double_precision_formatting
puts [expr {0.1 + 0.2}]
puts [expr {1.0 / 7}]
puts [expr {2.0 / 3}]
#---- double_large_small
puts [expr {1e20}]
puts [expr {1.5e-7}]
puts [expr {123456789012.0}]
puts [expr {1234567890123.0}]
#---- exponent_integer
puts [expr {2 ** 10}]
puts [expr {3 ** 0}]
puts [expr {2 ** 62}]
#---- exponent_right_assoc
puts [expr {2 ** 3 ** 2}]
#---- exponent_negative_int
puts [expr {2 ** -1}]
puts [expr {1 ** -1}]
#---- exponent_double_unsupported
catch {expr {2.0 ** 2}} e
puts $e
#---- unary_minus_plus
puts [expr {-5}]
puts [expr {- -5}]
puts [expr {+5}]
puts [expr {-(3 + 4)}]
#---- bitwise_ops
puts [expr {12 & 10}]
puts [expr {12 | 10}]
puts [expr {12 ^ 10}]
puts [expr {~0}]
puts [expr {~5}]
#---- shift_ops
puts [expr {1 << 4}]
puts [expr {256 >> 3}]
puts [expr {-16 >> 2}]
puts [expr {1 << 63}]
#---- rotate_ops
puts [expr {1 <<< 1}]
puts [expr {1 >>> 1}]
puts [expr {0x8000000000000000 <<< 1}]
puts [expr {3 >>> 2}]
#---- logical_not
puts [expr {!0}]
puts [expr {!1}]
puts [expr {!5}]
puts [expr {!!7}]
#---- logical_and_or
puts [expr {1 && 0}]
puts [expr {1 && 2}]
puts [expr {0 || 0}]
puts [expr {0 || 3}]
#---- logical_short_circuit
set x 0
expr {0 && [incr x]}
expr {1 || [incr x]}
puts $x
expr {1 && [incr x]}
expr {0 || [incr x]}
puts $x
#---- ternary
puts [expr {1 ? "yes" : "no"}]
puts [expr {0 ? "yes" : "no"}]
puts [expr {5 > 3 ? 10 : 20}]
#---- ternary_nested
set n 5
puts [expr {$n < 0 ? "neg" : $n == 0 ? "zero" : "pos"}]
#---- ternary_lazy
set x 0
expr {1 ? 1 : [incr x]}
puts $x
#---- comparison_numeric
puts [expr {1 == 1}]
puts [expr {1 != 1}]
puts [expr {1 < 2}]
puts [expr {2 > 1}]
puts [expr {2 <= 2}]
puts [expr {3 >= 4}]
#---- comparison_numeric_vs_string
puts [expr {"10" == "10.0"}]
puts [expr {"0x10" == 16}]
puts [expr {"abc" < "abd"}]
puts [expr {"10" < "9"}]
#---- eq_ne
puts [expr {"10" eq "10.0"}]
puts [expr {"abc" eq "abc"}]
puts [expr {"abc" ne "abd"}]
puts [expr {1 ne 1}]
#---- in_ni
puts [expr {"b" in {a b c}}]
puts [expr {"d" in {a b c}}]
puts [expr {"d" ni {a b c}}]
puts [expr {"a" ni {a b c}}]
#---- precedence_mul_add
puts [expr {2 + 3 * 4}]
puts [expr {(2 + 3) * 4}]
puts [expr {10 - 4 - 3}]
puts [expr {100 / 10 / 5}]
#---- precedence_shift_vs_add
puts [expr {1 << 2 + 1}]
puts [expr {(1 << 2) + 1}]
#---- precedence_bitwise
puts [expr {1 | 2 & 3}]
puts [expr {1 ^ 3 & 2}]
puts [expr {6 & 3 == 3}]
#---- precedence_compare_and_logic
puts [expr {1 < 2 && 3 < 4}]
puts [expr {1 || 0 && 0}]
puts [expr {!1 || 1}]
#---- precedence_unary_vs_pow
puts [expr {-2 ** 2}]
puts [expr {(-2) ** 2}]
#---- precedence_openocd_shift_or
set x 3
puts [expr {$x << 2 | 1}]
#---- math_functions
puts [expr {abs(-5)}]
puts [expr {abs(-2.5)}]
puts [expr {double(3)}]
puts [expr {int(3.7)}]
puts [expr {int(-3.7)}]
puts [expr {round(2.5)}]
puts [expr {round(-2.5)}]
puts [expr {round(2.4)}]
puts [expr {wide(42)}]
#---- unknown_math_function
catch {expr {sqrt(4)}} e
puts $e
#---- divide_by_zero
puts [catch {expr {1 / 0}} e]
puts $e
#---- modulo_by_zero
puts [catch {expr {7 % 0}} e]
puts <$e>
#---- double_divide_by_zero
puts [expr {1.0 / 0}]
puts [expr {-1.0 / 0}]
#---- expr_string_operands
set a abc
puts [expr {$a eq "abc"}]
puts [expr {"$a" == "abc"}]
#---- expr_non_numeric_error
catch {expr {"abc" + 1}} e
puts $e
#---- expr_syntax_error
catch {expr {1 +}} e
puts $e
#---- expr_missing_paren
catch {expr {(1 + 2}} e
puts $e
#---- expr_unbraced_concat
set a 3
puts [expr "$a + 4"]
puts [expr "1 + 2 * $a"]
#---- expr_command_subst
puts [expr {[llength {a b c}] * 2}]
#---- expr_nested_parens
puts [expr {((1 + 2) * (3 + 4)) % 5}]
#---- expr_boolean_literals
puts [expr {true && yes}]
puts [expr {false || off}]
puts [expr {!true}]
#---- expr_whitespace
puts [expr {  1+2*3  }]
puts [expr 1+2]
#---- expr_double_int_mix
puts [expr {3 + 0.5}]
puts [expr {10 * 0.1}]
puts [expr {5 - 5.0}]
#---- expr_double_compare
puts [expr {0.1 + 0.2 == 0.3}]
puts [expr {1.0 == 1}]
puts [expr {2.5 > 2}]
#---- expr_scientific_literals
puts [expr {1e3}]
puts [expr {1.5e2 + 1}]
puts [expr {2E-2}]
#---- expr_leading_dot
puts [expr {.5 + .25}]
#---- expr_string_in_list_var
set l {x y z}
puts [expr {"y" in $l}]
#---- expr_return_value_type
set r [expr {3 * 1.0}]
puts $r
puts [string is integer $r]
puts [string is double $r]
#---- expr_int_of_string_double
puts [expr {int("12.9")}]
puts [expr {double("7")}]
#---- expr_not_of_string_error
catch {expr {!"abc"}} e
puts $e
#---- expr_bitwise_double_error
catch {expr {1.5 & 1}} e
puts $e
#---- expr_ne_numeric
puts [expr {1.0 != 1}]
puts [expr {"a" != "b"}]
#---- expr_multiple_args
puts [expr 1 + 2 {*} 3]
