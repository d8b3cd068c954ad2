package dev.shimscope.report;

import java.util.Locale;

/** A small builder for inline SVG: shapes with crisp edges, text, and escaping. */
final class Svg {

    private final StringBuilder sb = new StringBuilder();

    Svg(int width, int height, String label) {
        sb.append("<svg width=\"").append(width).append("\" height=\"").append(height)
                .append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(label))
                .append("\" shape-rendering=\"crispEdges\">\n");
    }

    Svg rect(double x, double y, double w, double h, String fill) {
        sb.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(w))
                .append("\" height=\"").append(num(h)).append("\" fill=\"").append(fill).append("\"/>\n");
        return this;
    }

    /** A rectangle with a hover title. */
    Svg rect(double x, double y, double w, double h, String fill, String title) {
        sb.append("<rect x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" width=\"").append(num(w))
                .append("\" height=\"").append(num(h)).append("\" fill=\"").append(fill).append("\"><title>")
                .append(Html.escape(title)).append("</title></rect>\n");
        return this;
    }

    Svg line(double x1, double y1, double x2, double y2, String stroke, double width) {
        sb.append("<line x1=\"").append(num(x1)).append("\" y1=\"").append(num(y1)).append("\" x2=\"").append(num(x2))
                .append("\" y2=\"").append(num(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(num(width)).append("\"/>\n");
        return this;
    }

    Svg path(String d, String stroke, double width, String title) {
        sb.append("<path d=\"").append(d).append("\" fill=\"none\" stroke=\"").append(stroke)
                .append("\" stroke-width=\"").append(num(width)).append("\"><title>").append(Html.escape(title))
                .append("</title></path>\n");
        return this;
    }

    Svg text(double x, double y, String text, String anchor, int size, String fill) {
        sb.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" text-anchor=\"").append(anchor)
                .append("\" font-size=\"").append(size).append("\" fill=\"").append(fill).append("\">")
                .append(Html.escape(text)).append("</text>\n");
        return this;
    }

    /** Text turned by -90 degrees around its anchor (for column labels). */
    Svg verticalText(double x, double y, String text, int size) {
        sb.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y)).append("\" font-size=\"").append(size)
                .append("\" transform=\"rotate(-90 ").append(num(x)).append(' ').append(num(y)).append(")\">")
                .append(Html.escape(text)).append("</text>\n");
        return this;
    }

    static String num(double v) {
        if (v == Math.rint(v)) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    String end() {
        return sb.append("</svg>\n").toString();
    }
}
