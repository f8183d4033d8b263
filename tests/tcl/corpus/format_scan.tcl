#---- format_basic
puts [format "%s is %d years" Bob 42]
puts [format %s hello]
puts [format "no specifiers"]
#---- format_integer_widths
puts [format "<%5d>" 42]
puts [format "<%-5d>" 42]
puts [format "<%05d>" 42]
puts [format "<%+d>" 42]
puts [format "<% d>" 42]
#---- format_hex_octal
puts [format %x 255]
puts [format %X 255]
puts [format %o 8]
puts [format %#x 255]
puts [format %#o 8]
#---- format_openocd_hex
puts [format 0x%08x 0x1234]
puts [format 0x%08X 3735928559]
puts [format 0x%04x [expr {0x40021000 & 0xFFFF}]]
#---- format_floats
puts [format %f 3.14159]
puts [format %.2f 3.14159]
puts [format %8.3f 3.14159]
puts [format %e 12345.678]
puts [format %g 0.0001]
puts [format %g 100000]
puts [format %g 1000000]
#---- format_string_width_precision
puts [format "<%10s>" abc]
puts [format "<%-10s>" abc]
puts [format "<%.2s>" abcdef]
#---- format_char
puts [format %c 65]
puts [format %c%c%c 72 105 33]
#---- format_percent
puts [format "100%%"]
#---- format_positional
puts [format {%2$s %1$s} world hello]
#---- format_star_width
puts [format "<%*d>" 6 42]
#---- format_not_enough_args
catch {format "%s %s" one} e
puts $e
#---- format_bad_integer
catch {format %d abc} e
puts $e
#---- format_double_as_int
catch {format %d 3.5} e
puts $e
#---- format_negative_hex
puts [format %x -1]
puts [format %08x -256]
#---- format_large
puts [format %d 9223372036854775807]
puts [format %u -1]
#---- format_list_args
puts [format "%s-%s" {a b} c]
#---- format_ld_modifier
puts [format %ld 123]
puts [format %lx 255]
#---- format_b_binary
puts [format %b 10]
#---- scan_basic
puts [scan "42 abc" "%d %s"]
scan "10 20" "%d %d" a b
puts [expr {$a + $b}]
#---- scan_returns_count
puts [scan "12 xyz" "%d %d" a b]
puts $a
#---- scan_hex
scan "ff" %x v
puts $v
scan "0x1F" %x v
puts $v
#---- scan_string_char
scan "hello world" "%s %c" w c
puts "$w $c"
#---- scan_float
scan "3.25" %f f
puts $f
#---- scan_literal_match
puts [scan "x=5,y=7" "x=%d,y=%d"]
#---- scan_width
puts [scan "12345" "%2d%3d"]
#---- scan_bracket_set
puts [scan "abc123" {%[a-z]%d}]
#---- scan_no_match
puts [scan "abc" "%d"]
puts [scan "" "%d"]
#---- scan_octal
scan "17" %o v
puts $v
#---- scan_bad_format
catch {scan "1" "%y"} e
puts $e
#---- format_zero_pad_negative
puts [format %05d -42]
#---- format_e_precision
puts [format %.3e 0.000123456]
puts [format %.0f 2.5]
puts [format %.0f 3.5]
#---- format_string_from_number
puts [format %s 0x10]
puts [format %d 0x10]
#---- scan_suppress
puts [scan "10 20 30" "%d %*d %d"]
