package dev.airlock.policy.topdown;

import dev.airlock.policy.value.Value;
import java.util.Arrays;

/**
 * Variable bindings of one rule body (or query). Variables are bound only to ground values;
 * backtracking removes a binding after the continuation that needed it returns, so bindings
 * behave as a stack. A body binds a handful of variables, so a linear scan over two small
 * arrays beats hashing. Names are compared by reference: {@link dev.airlock.policy.ast.Term.Var}
 * interns them, and every name used here comes from a Var.
 */
final class Frame {
    private String[] names = new String[8];
    private Value[] values = new Value[8];
    private int size;

    Value get(String name) {
        String[] ns = names;
        for (int i = size - 1; i >= 0; i--) {
            if (ns[i] == name) return values[i];
        }
        return null;
    }

    void bind(String name, Value v) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            values = Arrays.copyOf(values, size * 2);
        }
        names[size] = name;
        values[size++] = v;
    }

    void unbind(String name) {
        for (int i = size - 1; i >= 0; i--) {
            if (names[i] == name) {
                System.arraycopy(names, i + 1, names, i, size - i - 1);
                System.arraycopy(values, i + 1, values, i, size - i - 1);
                size--;
                names[size] = null;
                values[size] = null;
                return;
            }
        }
    }
}
