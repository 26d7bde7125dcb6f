package dev.steward.supervise;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

import java.util.List;

/**
 * The argument and environment vectors of one spawn in a single native block: two NULL-terminated
 * pointer arrays followed by the UTF-8 strings they point to ({@link RawText}: a stray byte of the daemon's
 * environment goes out as it came in). One allocation and two copies, where
 * JNA's own String[] conversion allocates each string separately. Close it after the spawn.
 */
final class NativeStrings implements AutoCloseable {
    private final Memory block;
    private final Pointer argv;
    private final Pointer envp;

    NativeStrings(List<String> arguments, List<String> environment) {
        byte[][] encoded = new byte[arguments.size() + environment.size()][];
        int stringBytes = 0;
        for (int i = 0; i < encoded.length; i++) {
            String text = i < arguments.size() ? arguments.get(i) : environment.get(i - arguments.size());
            encoded[i] = RawText.encode(text);
            stringBytes += encoded[i].length + 1;
        }
        int slots = arguments.size() + 1 + environment.size() + 1;
        long pointersSize = (long) slots * Native.POINTER_SIZE;
        block = new Memory(pointersSize + stringBytes);
        long base = Pointer.nativeValue(block);
        long[] pointers = new long[slots]; // the two terminating slots stay 0 (NULL)
        byte[] strings = new byte[stringBytes]; // zero-filled: every string is followed by its NUL
        int offset = 0;
        for (int i = 0; i < encoded.length; i++) {
            int slot = i < arguments.size() ? i : i + 1;
            pointers[slot] = base + pointersSize + offset;
            System.arraycopy(encoded[i], 0, strings, offset, encoded[i].length);
            offset += encoded[i].length + 1;
        }
        if (Native.POINTER_SIZE == 8) {
            block.write(0, pointers, 0, slots);
        } else {
            for (int slot = 0; slot < slots; slot++) {
                block.setInt((long) slot * 4, (int) pointers[slot]);
            }
        }
        block.write(pointersSize, strings, 0, strings.length);
        argv = block;
        envp = block.share((long) (arguments.size() + 1) * Native.POINTER_SIZE);
    }

    Pointer argv() {
        return argv;
    }

    Pointer envp() {
        return envp;
    }

    @Override
    public void close() {
        block.close();
    }
}
