package dev.unlearn.core.text;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.el.ext.AdditionOperator;
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
        }

        @Override
        protected AstBinary createAstBinary(AstNode left, AstNode right, AstBinary.Operator operator) {
            AstBinary.Operator op = operator == AdditionOperator.OP ? ADD : operator == AstBinary.AND ? AND
                    : operator == OrOperator.OP ? OR : operator;
            return super.createAstBinary(left, right, op);
        }
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
        if (x == null) {
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

    private static final AstBinary.Operator ADD = new AstBinary.SimpleOperator() {
        @Override
        protected Object apply(TypeConverter converter, Object a, Object b) {
            return add(converter, a, b);
        }

        @Override
        public String toString() {
            return "+";
        }
    };

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

    /** Python's name of a template value's type (a null is jinja2's None or an undefined value). */
    static String typeName(Object o) {
        if (o == null) {
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
