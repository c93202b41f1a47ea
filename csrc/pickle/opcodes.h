/* opcodes.h - THE table of pickle opcodes the unpickler understands.
 *
 * One X-macro: X(NAME, byte, handler, what it does).  unpickle.c expands it
 * into the handler prototypes and the 256-entry dispatch table (name +
 * handler per byte); a byte not listed here is "unknown opcode".  Opcodes
 * marked [torch] are the ones torch's C++ pickler writes; the others are
 * accepted for compatibility with other protocol-2 writers (or rejected
 * with a clear message, like the bytes opcodes).
 */
#ifndef PTS_PICKLE_OPCODES_H
#define PTS_PICKLE_OPCODES_H

#define PTS_PICKLE_OPCODES(X)                                                              \
    X(PROTO,            0x80, op_proto,       "[torch] u8 protocol; must be 2, first")        \
    X(STOP,             0x2e, op_stop,        "[torch] '.' end; result = the only value")     \
    X(FRAME,            0x95, op_frame,       "u64 frame length; skipped")                    \
    X(MARK,             0x28, op_mark,        "[torch] '(' push a mark")                      \
    X(POP,              0x30, op_pop,         "'0' drop the top value (or an empty mark)")    \
    X(POP_MARK,         0x31, op_pop_mark,    "'1' drop values down to the last mark")        \
    X(DUP,              0x32, op_dup,         "'2' push the top value again")                 \
    X(NONE,             0x4e, op_none,        "[torch] 'N' None")                             \
    X(NEWTRUE,          0x88, op_newtrue,     "[torch] True")                                 \
    X(NEWFALSE,         0x89, op_newfalse,    "[torch] False")                                \
    X(INT,              0x49, op_int,         "'I' decimal line (01/00 = True/False)")        \
    X(LONG,             0x4c, op_long,        "'L' decimal line with optional L")             \
    X(BININT,           0x4a, op_binint,      "[torch] 'J' i32 LE")                           \
    X(BININT1,          0x4b, op_binint1,     "[torch] 'K' u8")                               \
    X(BININT2,          0x4d, op_binint2,     "[torch] 'M' u16 LE")                           \
    X(LONG1,            0x8a, op_long1,       "[torch] u8 n, n-byte LE two's complement")     \
    X(LONG4,            0x8b, op_long4,       "u32 n, n-byte LE two's complement")            \
    X(BINFLOAT,         0x47, op_binfloat,    "[torch] 'G' f64 big-endian")                   \
    X(BINUNICODE,       0x58, op_binunicode,  "[torch] 'X' u32 len, UTF-8")                   \
    X(SHORT_BINUNICODE, 0x8c, op_sbinunicode, "u8 len, UTF-8")                                \
    X(BINUNICODE8,      0x8d, op_binunicode8, "[torch] u64 len, UTF-8")                       \
    X(BINBYTES,         0x42, op_bytes,       "'B' bytes: not a TorchScript value (error)")   \
    X(SHORT_BINBYTES,   0x43, op_bytes,       "'C' bytes: not a TorchScript value (error)")   \
    X(EMPTY_TUPLE,      0x29, op_empty_tuple, "[torch] ')' ()")                               \
    X(TUPLE,            0x74, op_tuple,       "[torch] 't' tuple of the values since mark")   \
    X(TUPLE1,           0x85, op_tuple1,      "[torch] tuple of the top value")               \
    X(TUPLE2,           0x86, op_tuple2,      "[torch] tuple of the top 2 values")            \
    X(TUPLE3,           0x87, op_tuple3,      "[torch] tuple of the top 3 values")            \
    X(EMPTY_LIST,       0x5d, op_empty_list,  "[torch] ']' []")                               \
    X(APPEND,           0x61, op_append,      "'a' list.append(top)")                         \
    X(APPENDS,          0x65, op_appends,     "[torch] 'e' list.extend(values since mark)")   \
    X(LIST,             0x6c, op_list,        "'l' list of the values since mark")            \
    X(EMPTY_DICT,       0x7d, op_empty_dict,  "[torch] '}' {}")                               \
    X(DICT,             0x64, op_dict,        "'d' dict of the pairs since mark")             \
    X(SETITEM,          0x73, op_setitem,     "'s' dict[key] = value")                        \
    X(SETITEMS,         0x75, op_setitems,    "[torch] 'u' dict.update(pairs since mark)")    \
    X(BINGET,           0x68, op_binget,      "[torch] 'h' u8 memo index: push memo[i]")      \
    X(LONG_BINGET,      0x6a, op_long_binget, "[torch] 'j' u32 LE memo index")                \
    X(BINPUT,           0x71, op_binput,      "[torch] 'q' u8: memo[i] = top")                \
    X(LONG_BINPUT,      0x72, op_long_binput, "[torch] 'r' u32 LE: memo[i] = top")            \
    X(MEMOIZE,          0x94, op_memoize,     "memo[len(memo)] = top")                        \
    X(GLOBAL,           0x63, op_global,      "[torch] 'c' module\\n name\\n: allow-listed")  \
    X(STACK_GLOBAL,     0x93, op_stack_global, "module, name from the stack: allow-listed")   \
    X(NEWOBJ,           0x81, op_newobj,      "[torch] class, () -> fresh object")            \
    X(BUILD,            0x62, op_build,       "[torch] 'b' object, state -> set attributes")  \
    X(REDUCE,           0x52, op_reduce,      "[torch] 'R' callable, args -> call helper")    \
    X(BINPERSID,        0x51, op_binpersid,   "[torch] 'Q' persistent id tuple -> storage")

#endif
