package dev.unlearn.core.text;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.el.ext.AdditionOperator;
import com.hubspot.jinjava.el.ext.CollectionMembershipOperator;
import com.hubspot.jinjava.el.ext.CollectionNonMembershipOperator;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.OrOperator;
import com.hubspot.jinjava.el.ext.StringConcatOperator;
import com.hubspot.jinjava.objects.SafeString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.misc.NumberOperations;
import jinjava.de.odysseus.el.misc.TypeConverter;
import jinjava.de.odysseus.el.tree.Bindings;
import jinjava.de.odysseus.el.tree.TreeBuilder;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.ast.AstBinary;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.javax.el.ELContext;
import jinjava.javax.el.ExpressionFactory;

/**
 * jinja2's {@code +} and {@code ~} for Jinjava, whose own are Java's: its {@code +} joins a string with
 * anything through {@code toString} ({@code 'x' + none} gave {@code xnull}, {@code 'x' + {'a': 1}} gave
 * {@code x{a=1}}), adds an item to a list, merges two dicts, and cannot add a boolean; its {@code ~}
 * prints {@code true} and {@code {a=1}}.
 *
 * <ul>
 *   <li>{@code a + b} ({@link #add}): two strings join, two lists join, two numbers add (a boolean counts
 *       as 0 or 1, as in Python); anything else is an error, as Python's {@code TypeError}, so that a
 *       message whose {@code content} is null or a list of parts fails as it does in transformers instead
 *       of rendering {@code null}.</li>
 *   <li>{@code a ~ b} ({@link #concat}): {@code str(a) + str(b)} with {@link PyRepr#str}, the same text
 *       that {@code {{ a }}} prints.</li>
 *   <li>Truth ({@link #truthy}), in {@code not}, {@code x if c else y} and the {@code if} tags: the string
 *       {@code "false"} is true, as every non-empty string (Jinjava took it as false); {@code a and b} and
 *       {@code a or b} give an operand, as in Python, not a boolean.</li>
 * </ul>
 *
 * Jinjava builds its expression parser inside its constructor; {@link Engine} swaps in
 * {@link PyParser} through {@link Jinjava#getExpressionFactory()}, the factory every interpreter
 * asks for.
 */
final class PyOperators {
    private PyOperators() {
    }

    private static final TypeConverter CONVERTER = new Converter();

    /** A Jinjava whose expressions have Python's {@code +} and {@code ~}. */
    static final class Engine extends Jinjava {
        private final ExpressionFactory factory = new Factory();

        Engine(JinjavaConfig config) {
            super(config);
        }

        @Override
        public ExpressionFactory getExpressionFactory() {
            return factory;
        }
    }

    /** Jinjava's own factory (its type converter with Python's truth, default cache), building {@link PyParser}s. */
    private static final class Factory extends ExpressionFactoryImpl {
        Factory() {
            super(new Properties(), new Converter());
        }

        @Override
        protected TreeBuilder createTreeBuilder(Properties properties, Builder.Feature... features) {
            return new SyntaxBuilder(features);
        }
    }

    /** Jinjava's converter, with Python's truth for {@code not} and {@code x if c else y} ({@link #truthy}). */
    private static final class Converter extends TruthyTypeConverter {
        private static final long serialVersionUID = 1L;

        @Override
        protected Boolean coerceToBoolean(Object value) {
            return truthy(value);
        }
    }

    private static final class SyntaxBuilder extends ExtendedSyntaxBuilder {
        private static final long serialVersionUID = 1L;

        SyntaxBuilder(Builder.Feature... features) {
            super(features);
        }

        @Override
        protected Parser createParser(String expression) {
            return new PyParser(this, expression);
        }
    }

    /** Jinjava's parser with {@link #ADD} for {@code +} and {@link #CONCAT} for {@code ~}. */
    private static final class PyParser extends ExtendedParser {
        PyParser(Builder builder, String input) {
            super(builder, input);
            putExtensionHandler(StringConcatOperator.TOKEN, new ExtensionHandler(ExtensionPoint.ADD) {
                @Override
                public AstNode createAstNode(AstNode... children) {
                    return new AstBinary(children[0], children[1], CONCAT);
                }
            });
            putExtensionHandler(CollectionMembershipOperator.TOKEN, new ExtensionHandler(ExtensionPoint.CMP) {
                @Override
                public AstNode createAstNode(AstNode... children) {
                    return new AstBinary(children[0], children[1], IN);
                }
            });
            putExtensionHandler(CollectionNonMembershipOperator.TOKEN, new ExtensionHandler(ExtensionPoint.CMP) {
                @Override
                public AstNode createAstNode(AstNode... children) {
                    return new AstBinary(children[0], children[1], NOT_IN);
                }
            });
        }

        @Override
        protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
            AstBinary.Operator op = operator == AdditionOperator.OP ? ADD : operator == AstBinary.AND ? AND
                    : operator == OrOperator.OP ? OR : operator == AstBinary.EQ ? EQ : operator == AstBinary.NE ? NE
                    : operator == AstBinary.MUL ? MUL : operator == AstBinary.MOD ? MOD : operator;
            return super.createAstBinary(left, right, op);
        }
    }

    /**
     * An operator's error where Python raises: Jinjava formats the message of an expression's exception
     * with {@code String.format}, so its {@code %} are doubled there; {@link #text} is the message as written.
     */
    static final class OperatorError extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String text;

        OperatorError(String text) {
            super(text.replace("%", "%%"));
            this.text = text;
        }

        String text() {
            return text;
        }
    }

    private static AstBinary.Operator simple(String name, java.util.function.BinaryOperator<Object> f) {
        return new AstBinary.SimpleOperator() {
            @Override
            protected Object apply(TypeConverter converter, Object a, Object b) {
                try {
                    return f.apply(a, b);
                } catch (OperatorError e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new OperatorError(e.getMessage());
                }
            }

            @Override
            public String toString() {
                return name;
            }
        };
    }

    private static final AstBinary.Operator EQ = simple("==", (a, b) -> equal(a, b));
    private static final AstBinary.Operator NE = simple("!=", (a, b) -> !equal(a, b));
    private static final AstBinary.Operator MUL = simple("*", PyOperators::multiply);
    private static final AstBinary.Operator MOD = simple("%", PyOperators::modulo);
    private static final AstBinary.Operator IN = simple("in", (a, b) -> contains(b, a));
    private static final AstBinary.Operator NOT_IN = simple("not in", (a, b) -> !contains(b, a));

    /**
     * Python's {@code x in c}: a substring of a string, an item of a list ({@link #equal}), a key of a dict.
     * Jinjava converted {@code x} to the items' type first, so {@code 2.5 in [1, 2]} was true.
     *
     * @throws IllegalArgumentException where Python raises TypeError
     */
    static boolean contains(Object container, Object x) {
        if (isString(container)) {
            if (!isString(x)) {
                throw new IllegalArgumentException("'in <string>' requires string as left operand, not " + typeName(x));
            }
            return container.toString().contains(x.toString());
        }
        if (container instanceof Map<?, ?> m) {
            return m.keySet().stream().anyMatch(k -> equal(k, x));
        }
        if (container instanceof java.util.Collection<?> c) {
            return c.stream().anyMatch(item -> equal(item, x));
        }
        if (container == null) { // jinja2: undefined is empty; None raises
            return false;
        }
        throw new IllegalArgumentException("argument of type '" + typeName(container) + "' is not iterable");
    }

    /**
     * Python's {@code a == b} on template values: numbers by value (a boolean is 0 or 1, {@code 1 == 1.0}),
     * strings by text, lists item by item, dicts key by key, and values of different types are unequal.
     * Jinjava coerced one side to the other's type and failed ({@code 2 != 'x'}, {@code content == ''} for a
     * list of parts).
     */
    static boolean equal(Object a, Object b) {
        a = a == PyNone.NONE ? null : a;
        b = b == PyNone.NONE ? null : b;
        if (a == null || b == null) {
            return a == b;
        }
        if (isNumber(a) && isNumber(b)) {
            return equalNumbers(a, b);
        }
        if (isString(a) || isString(b)) {
            return isString(a) && isString(b) && a.toString().equals(b.toString());
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!equal(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (!x.keySet().equals(y.keySet())) {
                return false;
            }
            for (Map.Entry<?, ?> e : x.entrySet()) {
                if (!equal(e.getValue(), y.get(e.getKey()))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    /** Numbers by value, exactly (a long and a double compare as Python compares an int and a float). */
    private static boolean equalNumbers(Object a, Object b) {
        Object x = number(a);
        Object y = number(b);
        if (isInteger(x) && isInteger(y)) {
            return big(x).equals(big(y));
        }
        double p = ((Number) x).doubleValue();
        double q = ((Number) y).doubleValue();
        if (!Double.isFinite(p) || !Double.isFinite(q)) {
            return p == q;
        }
        java.math.BigDecimal u = isInteger(x) ? new java.math.BigDecimal(big(x)) : new java.math.BigDecimal(p);
        java.math.BigDecimal v = isInteger(y) ? new java.math.BigDecimal(big(y)) : new java.math.BigDecimal(q);
        return u.compareTo(v) == 0;
    }

    private static java.math.BigInteger big(Object integer) {
        return integer instanceof java.math.BigInteger b ? b : java.math.BigInteger.valueOf(((Number) integer).longValue());
    }

    /** Python's {@code a * b}: numbers multiply, a string or list times an int repeats; anything else is an error. */
    static Object multiply(Object a, Object b) {
        if (isNumber(a) && isNumber(b)) {
            return NumberOperations.mul(CONVERTER, number(a), number(b));
        }
        Object seq = isString(a) || a instanceof List<?> ? a : b;
        Object times = seq == a ? b : a;
        if ((isString(seq) || seq instanceof List<?>) && isInteger(times)) {
            long n = ((Number) number(times)).longValue();
            if (isString(seq)) {
                return n <= 0 ? "" : seq.toString().repeat(Math.toIntExact(n));
            }
            List<Object> out = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                out.addAll((List<?>) seq);
            }
            return out;
        }
        throw new IllegalArgumentException("unsupported operand types for *: '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    /**
     * Python's {@code a % b}: a remainder with the sign of {@code b} ({@code -7 % 3} is 2; Java's is -1),
     * and for a string {@code a}, printf-style formatting ({@link PyFormat}; a list {@code b} gives the arguments).
     */
    static Object modulo(Object a, Object b) {
        if (isString(a)) {
            return PyFormat.format(a.toString(), b instanceof List<?> l ? new ArrayList<>(l) : java.util.Collections.singletonList(b),
                    b instanceof Map<?, ?> m ? stringKeys(m) : Map.of());
        }
        if (isNumber(a) && isNumber(b)) {
            Object x = number(a);
            Object y = number(b);
            if (isInteger(x) && isInteger(y)) {
                long d = ((Number) y).longValue();
                if (d == 0) {
                    throw new IllegalArgumentException("integer modulo by zero");
                }
                return Math.floorMod(((Number) x).longValue(), d);
            }
            double p = ((Number) x).doubleValue();
            double q = ((Number) y).doubleValue();
            if (q == 0) {
                throw new IllegalArgumentException("float modulo by zero");
            }
            double r = p % q;
            return r != 0 && (r < 0) != (q < 0) ? r + q : r == 0 ? Math.copySign(0.0, q) : r;
        }
        throw new IllegalArgumentException("unsupported operand types for %: '" + typeName(a) + "' and '" + typeName(b) + "'");
    }

    private static Map<String, Object> stringKeys(Map<?, ?> m) {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(String.valueOf(k), v));
        return out;
    }

    private static boolean isInteger(Object o) {
        return o instanceof Boolean || o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte
                || o instanceof java.math.BigInteger;
    }

    /** Python's {@code a and b}: {@code a} when it is false, else {@code b} (evaluated only then). */
    private static final AstBinary.Operator AND = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return truthy(a) ? right.eval(bindings, context) : a;
        }

        @Override
        public String toString() {
            return "and";
        }
    };

    /** Python's {@code a or b}: {@code a} when it is true, else {@code b} (evaluated only then). */
    private static final AstBinary.Operator OR = new AstBinary.Operator() {
        @Override
        public Object eval(Bindings bindings, ELContext context, AstNode left, AstNode right) {
            Object a = left.eval(bindings, context);
            return truthy(a) ? a : right.eval(bindings, context);
        }

        @Override
        public String toString() {
            return "or";
        }
    };

    /**
     * Python's truth of a template value: false for null (None or undefined), {@code False}, a zero, and an
     * empty string, list or dict; true otherwise. Jinjava's also takes the string {@code "false"} (any case)
     * as false, so a message whose content is "False" was skipped by {@code {% if message.content %}}.
     */
    static boolean truthy(Object x) {
        if (x == null || x == PyNone.NONE) {
            return false;
        }
        if (x instanceof Boolean b) {
            return b;
        }
        if (x instanceof java.math.BigDecimal d) {
            return d.signum() != 0;
        }
        if (x instanceof java.math.BigInteger d) {
            return d.signum() != 0;
        }
        if (x instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (isString(x)) {
            return !x.toString().isEmpty();
        }
        if (x instanceof java.util.Collection<?> c) {
            return !c.isEmpty();
        }
        if (x instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return com.hubspot.jinjava.util.ObjectTruthValue.evaluate(x);
    }

    /** {@code py_bool(x)}, which {@link PyEscapes} wraps round every {@code if} and {@code elif} condition. */
    public static Boolean bool(Object x) {
        return truthy(x);
    }

    private static final AstBinary.Operator ADD = simple("+", (a, b) -> add(CONVERTER, a, b));

    private static final AstBinary.Operator CONCAT = new AstBinary.SimpleOperator() {
        @Override
        protected Object apply(TypeConverter converter, Object a, Object b) {
            return concat(a, b);
        }

        @Override
        public String toString() {
            return "~";
        }
    };

    /**
     * Python's {@code a + b} on template values.
     *
     * @throws IllegalArgumentException naming both types where Python raises {@code TypeError}
     */
    static Object add(TypeConverter converter, Object a, Object b) {
        if (isString(a) && isString(b)) {
            return a.toString() + b;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            List<Object> out = new ArrayList<>(x);
            out.addAll(y);
            return out;
        }
        if (isNumber(a) && isNumber(b)) {
            return NumberOperations.add(converter, number(a), number(b));
        }
        throw new IllegalArgumentException("unsupported operand types for +: '" + typeName(a) + "' and '"
                + typeName(b) + "'" + (a == null || b == null ? " (a null or undefined value)" : ""));
    }

    /** jinja2's {@code a ~ b}: {@code str(a) + str(b)}. */
    static String concat(Object a, Object b) {
        return PyRepr.str(a) + PyRepr.str(b);
    }

    private static boolean isString(Object o) {
        return o instanceof String || o instanceof SafeString;
    }

    private static boolean isNumber(Object o) {
        return o instanceof Number || o instanceof Boolean;
    }

    private static Object number(Object o) {
        return o instanceof Boolean t ? (t ? 1L : 0L) : o;
    }

    /**
     * Python's TypeError raised by a function or method call ({@code 'sep'.join}, {@code dict(...)}): an
     * {@link OperatorError}, whose text {@code ChatTemplate} reports as written, inside an exception that is
     * not an {@link IllegalArgumentException}, which Jinjava's method and function lookup takes for "no such
     * method" and drops.
     */
    static IllegalStateException typeError(String text) {
        return new IllegalStateException(new OperatorError(text));
    }

    /** Python's name of a template value's type (a null is jinja2's None or an undefined value). */
    static String typeName(Object o) {
        if (o == null || o == PyNone.NONE) {
            return "NoneType";
        }
        if (isString(o)) {
            return "str";
        }
        if (o instanceof Boolean) {
            return "bool";
        }
        if (o instanceof Double || o instanceof Float || o instanceof java.math.BigDecimal) {
            return "float";
        }
        if (o instanceof Number) {
            return "int";
        }
        if (o instanceof Map<?, ?>) {
            return "dict";
        }
        if (o instanceof List<?>) {
            return "list";
        }
        return o.getClass().getSimpleName();
    }
}
