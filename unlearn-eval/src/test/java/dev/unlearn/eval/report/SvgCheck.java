package dev.unlearn.eval.report;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Reads charts back for tests: every {@code <svg>…</svg>} of a page parsed as XML (so a chart that is
 * not well-formed fails), queried with XPath.
 */
final class SvgCheck {
    private final Document doc;

    private SvgCheck(Document doc) {
        this.doc = doc;
    }

    /** Parses one SVG document. */
    static SvgCheck parse(String svg) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(false);
            return new SvgCheck(f.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8))));
        } catch (Exception e) {
            throw new AssertionError("not well-formed SVG: " + e.getMessage() + "\n" + svg, e);
        }
    }

    /** Every inline SVG of an HTML page, in page order. */
    static List<SvgCheck> all(String html) {
        List<SvgCheck> out = new ArrayList<>();
        int i = 0;
        while ((i = html.indexOf("<svg", i)) >= 0) {
            int j = html.indexOf("</svg>", i);
            if (j < 0) {
                throw new AssertionError("unclosed <svg> at " + i);
            }
            out.add(parse(html.substring(i, j + 6)));
            i = j + 6;
        }
        return out;
    }

    /** The root's {@code class}. */
    String cls() {
        return doc.getDocumentElement().getAttribute("class");
    }

    /** The root's {@code aria-label}. */
    String label() {
        return doc.getDocumentElement().getAttribute("aria-label");
    }

    /** Elements matching an XPath expression. */
    List<Element> select(String xpath) {
        try {
            NodeList nl = (NodeList) XPathFactory.newInstance().newXPath().evaluate(xpath, doc, XPathConstants.NODESET);
            List<Element> out = new ArrayList<>();
            for (int k = 0; k < nl.getLength(); k++) {
                out.add((Element) nl.item(k));
            }
            return out;
        } catch (Exception e) {
            throw new AssertionError("bad XPath " + xpath, e);
        }
    }

    /** Text of the elements matching an XPath expression. */
    List<String> texts(String xpath) {
        return select(xpath).stream().map(Element::getTextContent).toList();
    }

    /** XPath for elements inside a group whose class list holds {@code cls}. */
    static String inGroup(String cls, String element) {
        return "//g[contains(concat(' ', @class, ' '), ' " + cls + " ')]//" + element;
    }
}
