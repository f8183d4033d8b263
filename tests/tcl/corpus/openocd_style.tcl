#---- chipname_default
if { [info exists CHIPNAME] } {
    set _CHIPNAME $CHIPNAME
} else {
    set _CHIPNAME stm32f0x
}
puts $_CHIPNAME
#---- chipname_override
set CHIPNAME mychip
if { [info exists CHIPNAME] } {
    set _CHIPNAME $CHIPNAME
} else {
    set _CHIPNAME stm32f0x
}
puts $_CHIPNAME
#---- targetname_derivation
set _CHIPNAME stm32f1x
set _TARGETNAME $_CHIPNAME.cpu
puts $_TARGETNAME
#---- endian_default
if { [info exists ENDIAN] } { set _ENDIAN $ENDIAN } else { set _ENDIAN little }
puts $_ENDIAN
#---- workarea_size_hex
if { [info exists WORKAREASIZE] } {
   set _WORKAREASIZE $WORKAREASIZE
} else {
   set _WORKAREASIZE 0x1000
}
puts $_WORKAREASIZE
puts [expr {$_WORKAREASIZE}]
puts [format 0x%08x [expr {0x20000000 + $_WORKAREASIZE}]]
#---- cpu_tapid_list
set _CPUTAPID 0x1ba01477
set ids [list $_CPUTAPID 0x2ba01477]
foreach id $ids { puts [format "expected-id 0x%08x" $id] }
#---- event_handler_text_in_list
set _TARGETNAME stm32f0x.cpu
set cmd [list $_TARGETNAME configure -event reset-init {
    mmw 0x40021004 0x00000000 0x07FFFFF0
    adapter speed 4000
}]
puts [llength $cmd]
puts [lindex $cmd 0]
puts [lindex $cmd 2]
puts [lindex $cmd 3]
puts [string trim [lindex $cmd 4]]
puts [llength [split [string trim [lindex $cmd 4]] "\n"]]
#---- event_handler_with_substitution
set _TARGETNAME nrf52.cpu
set script "$_TARGETNAME configure -event gdb-attach { halt }"
puts $script
puts [llength $script]
#---- fake_target_object_command
proc stm32.cpu {subcmd args} {
    switch -- $subcmd {
        configure {
            while {[llength $args]} {
                set args [lassign $args opt]
                if {$opt eq "-event"} {
                    set args [lassign $args ev body]
                    puts "event $ev => [string trim $body]"
                } else {
                    set args [lassign $args val]
                    puts "configure $opt = $val"
                }
            }
        }
        cget { return "cget $args" }
        default { error "unknown subcommand $subcmd" }
    }
}
set _TARGETNAME stm32.cpu
$_TARGETNAME configure -event reset-start { adapter speed 480 } -work-area-phys 0x20000000
puts [$_TARGETNAME cget -endian]
catch {$_TARGETNAME bogus} e
puts $e
#---- proc_with_global_config
set _FLASHBASE 0x08000000
set _FLASHSIZE 0x10000
proc flash_end {} {
    global _FLASHBASE _FLASHSIZE
    return [format 0x%08x [expr {$_FLASHBASE + $_FLASHSIZE - 1}]]
}
puts [flash_end]
#---- register_bitfield_ops
set x 5
puts [expr {$x << 2 | 1}]
set reg 0x40021018
set val 0
set val [expr {$val | (1 << 2) | (1 << 4)}]
puts [format 0x%08x $val]
puts [format 0x%08x [expr {$reg & ~0xFFF}]]
#---- mmw_style_mask
proc mmw_sim {old setbits clearbits} {
    return [format 0x%08x [expr {($old & ~$clearbits) | $setbits}]]
}
puts [mmw_sim 0xFFFF0000 0x00000011 0x00FF0000]
#---- reset_config_words
set flags {srst_only srst_nogate connect_assert_srst}
foreach f $flags { puts -nonewline "$f " }
puts ""
puts [lsearch -exact $flags srst_nogate]
#---- transport_select_switch
set transport swd
switch $transport {
    jtag { puts "jtag newtap" }
    swd { puts "swd newdap" }
    default { error "bad transport" }
}
#---- dap_name_join
set _CHIPNAME at91sam
puts [join [list $_CHIPNAME dap] .]
puts "$_CHIPNAME.dap"
#---- adapter_speed_arith
set khz 4000
puts [expr {$khz / 8}]
puts [expr {$khz * 1000}]
#---- default_args_proc_like_openocd
proc stm32_flash_config {{bank 0} {size 0x20000}} {
    return [format "bank%d size=0x%x (%d KiB)" $bank $size [expr {$size / 1024}]]
}
puts [stm32_flash_config]
puts [stm32_flash_config 1 0x80000]
#---- catch_missing_optional_var
set r [catch {set $_NOT_DEFINED} e]
puts $r
puts $e
#---- board_includes_variables_string
set BOARD nucleo
set msg "Board: $BOARD, chip: [string toupper stm32f4]"
puts $msg
#---- idcode_decode
set idcode 0x4ba00477
puts [format "version=%x part=0x%04x mfr=0x%03x" [expr {($idcode >> 28) & 0xF}] [expr {($idcode >> 12) & 0xFFFF}] [expr {($idcode >> 1) & 0x7FF}]]
#---- dict_of_targets
set targets [dict create]
dict set targets cpu0 {type cortex_m base 0xE000E000}
dict set targets cpu1 {type cortex_a base 0x80000000}
dict for {name info} $targets {
    puts "$name [dict get $info type] [dict get $info base]"
}
#---- nested_if_info_exists_chain
set _CHIPNAME foo
foreach v {_CHIPNAME _ENDIAN} {
    if {[info exists $v]} { puts "$v=[set $v]" } else { puts "$v unset" }
}
#---- hex_pad_loop
for {set i 0} {$i < 4} {incr i} {
    puts [format "0x%08x: 0x%02x" [expr {0x20000000 + $i * 4}] [expr {$i * 17}]]
}
#---- proc_returning_list_for_configure
proc make_cfg {name} {
    return [list -chain-position $name.cpu -coreid 0 -dbgbase 0x80010000]
}
set cfg [make_cfg stm32mp1]
puts $cfg
puts [dict get $cfg -chain-position]
#---- eval_built_command
set _TARGETNAME t.cpu
proc t.cpu {args} { puts "t.cpu called with [llength $args] args: $args" }
set cmd [list $_TARGETNAME configure -event examine-end "echo {examined}"]
eval $cmd
{*}$cmd
#---- string_match_chip_family
foreach chip {stm32f103 stm32l476 nrf52832 at91sam7} {
    if {[string match stm32f* $chip]} { puts "$chip: F-series" } elseif {[string match stm32* $chip]} { puts "$chip: other stm32" } else { puts "$chip: not stm32" }
}
#---- unset_and_reexist
set _CHIPNAME a
unset _CHIPNAME
puts [info exists _CHIPNAME]
