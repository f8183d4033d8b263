#---- hex_literals
puts [expr {0x10}]
puts [expr {0xff + 1}]
puts [expr {0XAB}]
#---- octal_literals
puts [expr {0o17}]
puts [expr {0o777}]
#---- leading_zero_decimal
puts [expr {010}]
puts [expr {0010 + 1}]
#---- binary_literals
puts [expr {0b1010}]
puts [expr {0b11111111}]
#---- literal_in_incr
set x 0x10
incr x
puts $x
#---- hex_string_preserved
set x 0x10
puts $x
puts [expr {$x}]
#---- max_min_int
puts [expr {9223372036854775807}]
puts [expr {-9223372036854775808}]
#---- wrap_add
puts [expr {9223372036854775807 + 1}]
#---- wrap_sub
puts [expr {-9223372036854775807 - 2}]
#---- wrap_mul
puts [expr {4611686018427387904 * 2}]
puts [expr {3037000500 * 3037000500}]
#---- wrap_incr
set x 9223372036854775807
incr x
puts $x
#---- wrap_pow
puts [expr {2 ** 63}]
puts [expr {2 ** 64}]
puts [expr {3 ** 40}]
#---- wrap_shift
puts [expr {1 << 62}]
puts [expr {0xFFFFFFFF << 32}]
#---- negate_min_int
puts [expr {-(-9223372036854775807 - 1)}]
#---- hex_full_64bit
puts [expr {0xFFFFFFFFFFFFFFFF}]
puts [expr {0x8000000000000000}]
#---- mask_32bit
puts [expr {0xDEADBEEF & 0xFFFF}]
puts [expr {(0x12345678 >> 16) & 0xFF}]
#---- format_hex_neg
puts [format %x -1]
puts [format %08x 255]
#---- string_is_integer
puts [string is integer 123]
puts [string is integer -42]
puts [string is integer 0x1F]
puts [string is integer 12a]
puts [string is integer ""]
puts [string is integer " 5 "]
#---- integer_string_duality
set x 0012
puts $x
puts [expr {$x + 0}]
puts [string length $x]
#---- plus_sign_literal
puts [expr {+7 + +3}]
set x +5
puts [expr {$x * 2}]
#---- incr_by_negative
set x 10
incr x -3
puts $x
incr x -10
puts $x
#---- incr_unset_var
incr fresh
puts $fresh
incr fresh2 5
puts $fresh2
#---- incr_non_integer_error
set x abc
catch {incr x} e
puts $e
#---- incr_double_error
set x 1.5
catch {incr x} e
puts $e
#---- incr_returns_value
set x 1
puts [incr x 41]
#---- hex_negative_literal
puts [expr {-0x10}]
#---- int_of_large_double
puts [expr {int(1e10)}]
puts [expr {int(-1e3)}]
#---- double_to_int_compare
puts [expr {3 == 3.0}]
puts [expr {int(3.0) == 3}]
#---- whitespace_numeric_string
set x " 42 "
puts [expr {$x + 1}]
#---- wide_math_func
puts [expr {wide(1) << 40}]
#---- octal_0o_in_incr
set x 0o10
incr x 1
puts $x
#---- binary_to_format
puts [format %d 0b1111]
puts [format %d 0o17]
puts [format %d 0x0f]
