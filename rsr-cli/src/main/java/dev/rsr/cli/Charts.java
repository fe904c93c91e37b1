package dev.rsr.cli;

import dev.rsr.io.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * The report's charts, drawn with java.awt into images: line charts (with an optional band per
 * line and a log scale) and heat maps. Headless: nothing here opens a window. Not thread-safe per
 * image; each call draws a new one.
 */
final class Charts {
    static final int WIDTH = 960;
    static final int HEIGHT = 440;

    private static final int LEFT = 80;
    private static final int TOP = 40;
    private static final int BOTTOM = 56;
    private static final int LEGEND = 250;
    private static final Color GRID = new Color(0xE4E4E4);
    private static final Color AXIS = new Color(0x444444);
    private static final Color MISSING = new Color(0xF2F2F2);
    /** Tableau 10: distinguishable, and readable by most colour-blind readers. */
    private static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0xE15759), new Color(0x76B7B2),
        new Color(0x59A14F), new Color(0xEDC948), new Color(0xB07AA1), new Color(0xFF9DA7), new Color(0x9C755F), new Color(0xBAB0AC)};
    /** Anchors of a viridis-like scale, from 0 to 1. */
    private static final Color[] SCALE = {new Color(0x440154), new Color(0x3B528B), new Color(0x21918C), new Color(0x5EC962),
        new Color(0xFDE725)};

    private Charts() {
    }

    /**
     * One line of a chart: x and y of equal length (NaN breaks the line), and optionally the low
     * and high edges of a band drawn behind it (null for none).
     */
    record Series(String name, double[] x, double[] y, double[] low, double[] high) {
        Series(String name, double[] x, double[] y) {
            this(name, x, y, null, null);
        }
    }

    /** How a line chart draws its points. */
    enum Style { LINES, LINES_AND_DOTS }

    static Color color(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /** A line chart; {@code logY} plots y on a log scale (non-positive values are left out). */
    static BufferedImage lines(String title, String xLabel, String yLabel, List<Series> series, boolean logY, Style style) {
        return lines(title, xLabel, yLabel, series, logY, style, null);
    }

    /** A line chart over a fixed y range {min, max} (null: the data's extent). */
    static BufferedImage lines(String title, String xLabel, String yLabel, List<Series> series, boolean logY, Style style,
                               double[] yRange) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(image, title);
        int plotW = WIDTH - LEFT - LEGEND;
        int plotH = HEIGHT - TOP - BOTTOM;
        double[] xr = range(series, true, false);
        double[] yr = yRange != null && xr != null ? yRange : range(series, false, logY);
        if (xr == null || yr == null) {
            g.setColor(AXIS);
            g.drawString("no data", LEFT + plotW / 2 - 20, TOP + plotH / 2);
            g.dispose();
            return image;
        }
        Axis x = new Axis(xr[0], xr[1], false, LEFT, LEFT + plotW);
        Axis y = new Axis(yr[0], yr[1], logY, TOP + plotH, TOP);
        frame(g, x, y, xLabel, yLabel, plotW, plotH);
        java.awt.Shape clip = g.getClip();
        g.clipRect(LEFT, TOP, plotW + 1, plotH + 1);
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            if (s.low() != null && s.high() != null) {
                band(g, s, x, y, color(i));
            }
        }
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            g.setColor(color(i));
            g.setStroke(new BasicStroke(2f));
            polyline(g, s.x(), s.y(), x, y, style == Style.LINES_AND_DOTS);
            if (s.low() != null && s.high() != null) {
                g.setStroke(new BasicStroke(1f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {3f, 3f}, 0f));
                polyline(g, s.x(), s.low(), x, y, false);
                polyline(g, s.x(), s.high(), x, y, false);
            }
        }
        g.setClip(clip);
        legend(g, series.stream().map(Series::name).toList());
        g.dispose();
        return image;
    }

    /**
     * A heat map: one row per entry of {@code rows} (top to bottom), one column per bucket of
     * {@code values[row]}, coloured on a scale from {@code min} to {@code max} (NaN: no data,
     * light grey). Column c spans x from {@code xFrom + c·(xTo − xFrom)/columns}.
     */
    static BufferedImage heatMap(String title, String xLabel, List<String> rows, double[][] values, double xFrom, double xTo,
                                 double min, double max, String scaleLabel) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = start(image, title);
        FontMetrics fm = g.getFontMetrics();
        int left = 20 + Math.min(260, rows.stream().mapToInt(fm::stringWidth).max().orElse(0));
        int right = 150;
        int plotW = WIDTH - left - right;
        int plotH = HEIGHT - TOP - BOTTOM;
        int columns = values.length == 0 ? 0 : values[0].length;
        for (int r = 0; r < rows.size(); r++) {
            int y0 = TOP + r * plotH / Math.max(1, rows.size());
            int y1 = TOP + (r + 1) * plotH / Math.max(1, rows.size());
            for (int c = 0; c < columns; c++) {
                int x0 = left + c * plotW / columns;
                int x1 = left + (c + 1) * plotW / columns;
                double v = values[r][c];
                g.setColor(Double.isNaN(v) ? MISSING : scale(max > min ? (v - min) / (max - min) : 1));
                g.fillRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
            }
            g.setColor(AXIS);
            String name = clip(fm, rows.get(r), left - 14);
            g.drawString(name, left - 8 - fm.stringWidth(name), (y0 + y1) / 2 + fm.getAscent() / 2 - 2);
        }
        g.setColor(AXIS);
        g.drawRect(left, TOP, plotW, plotH);
        Axis x = new Axis(xFrom, xTo, false, left, left + plotW);
        for (double t : x.ticks()) {
            int px = x.pixel(t);
            g.drawLine(px, TOP + plotH, px, TOP + plotH + 4);
            String label = format(t);
            g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotH + 18);
        }
        g.drawString(xLabel, left + plotW / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 14);
        // The colour scale, with its meaning.
        int bx = WIDTH - right + 30;
        for (int i = 0; i < plotH; i++) {
            g.setColor(scale(1 - (double) i / plotH));
            g.fillRect(bx, TOP + i, 18, 1);
        }
        g.setColor(AXIS);
        g.drawRect(bx, TOP, 18, plotH);
        g.drawString(format(max), bx + 24, TOP + fm.getAscent());
        g.drawString(format(min), bx + 24, TOP + plotH);
        Graphics2D vertical = (Graphics2D) g.create();
        vertical.rotate(-Math.PI / 2);
        vertical.drawString(scaleLabel, -(TOP + plotH / 2 + fm.stringWidth(scaleLabel) / 2), bx + 58);
        vertical.dispose();
        g.dispose();
        return image;
    }

    /** Writes a PNG atomically. */
    static void writePng(Path file, BufferedImage image) {
        AtomicFiles.write(file, out -> {
            if (!ImageIO.write(image, "png", out)) {
                throw new java.io.IOException("no PNG writer in this Java runtime");
            }
        });
    }

    // ------------------------------------------------------------------ drawing

    private static Graphics2D start(BufferedImage image, String title) {
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 24);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        return g;
    }

    private static void frame(Graphics2D g, Axis x, Axis y, String xLabel, String yLabel, int plotW, int plotH) {
        FontMetrics fm = g.getFontMetrics();
        for (double t : x.ticks()) {
            int px = x.pixel(t);
            g.setColor(GRID);
            g.drawLine(px, TOP, px, TOP + plotH);
            g.setColor(AXIS);
            String label = format(t);
            g.drawString(label, px - fm.stringWidth(label) / 2, TOP + plotH + 18);
        }
        for (double t : y.ticks()) {
            int py = y.pixel(t);
            g.setColor(GRID);
            g.drawLine(LEFT, py, LEFT + plotW, py);
            g.setColor(AXIS);
            String label = format(t);
            g.drawString(label, LEFT - 6 - fm.stringWidth(label), py + fm.getAscent() / 2 - 1);
        }
        g.setColor(AXIS);
        g.drawRect(LEFT, TOP, plotW, plotH);
        g.drawString(xLabel, LEFT + plotW / 2 - fm.stringWidth(xLabel) / 2, HEIGHT - 14);
        Graphics2D vertical = (Graphics2D) g.create();
        vertical.rotate(-Math.PI / 2);
        vertical.drawString(yLabel, -(TOP + plotH / 2 + fm.stringWidth(yLabel) / 2), 18);
        vertical.dispose();
    }

    private static void legend(Graphics2D g, List<String> names) {
        FontMetrics fm = g.getFontMetrics();
        int x = WIDTH - LEGEND + 16;
        int y = TOP + 4;
        for (int i = 0; i < names.size() && y < HEIGHT - BOTTOM; i++, y += 20) {
            g.setColor(color(i));
            g.fillRect(x, y, 14, 10);
            g.setColor(AXIS);
            g.drawString(clip(fm, names.get(i), LEGEND - 44), x + 20, y + 10);
        }
    }

    private static void polyline(Graphics2D g, double[] xs, double[] ys, Axis x, Axis y, boolean dots) {
        Path2D.Double path = new Path2D.Double();
        boolean open = false;
        for (int i = 0; i < xs.length; i++) {
            if (!x.plottable(xs[i]) || !y.plottable(ys[i])) {
                open = false;
                continue;
            }
            double px = x.exact(xs[i]);
            double py = y.exact(ys[i]);
            if (open) {
                path.lineTo(px, py);
            } else {
                path.moveTo(px, py);
                open = true;
            }
            if (dots) {
                g.fill(new java.awt.geom.Ellipse2D.Double(px - 2, py - 2, 4, 4));
            }
        }
        g.draw(path);
    }

    private static void band(Graphics2D g, Series s, Axis x, Axis y, Color color) {
        Path2D.Double area = new Path2D.Double();
        List<double[]> upper = new ArrayList<>();
        List<double[]> lower = new ArrayList<>();
        for (int i = 0; i < s.x().length; i++) {
            if (x.plottable(s.x()[i]) && y.plottable(s.low()[i]) && y.plottable(s.high()[i])) {
                upper.add(new double[] {x.exact(s.x()[i]), y.exact(s.high()[i])});
                lower.add(0, new double[] {x.exact(s.x()[i]), y.exact(s.low()[i])});
            }
        }
        if (upper.size() < 2) {
            return;
        }
        area.moveTo(upper.get(0)[0], upper.get(0)[1]);
        upper.forEach(p -> area.lineTo(p[0], p[1]));
        lower.forEach(p -> area.lineTo(p[0], p[1]));
        area.closePath();
        g.setColor(new Color(color.getRed(), color.getGreen(), color.getBlue(), 48));
        g.fill(area);
    }

    /** The colour at {@code t} in [0, 1] of the viridis-like scale. */
    static Color scale(double t) {
        double u = Math.max(0, Math.min(1, t)) * (SCALE.length - 1);
        int i = Math.min(SCALE.length - 2, (int) u);
        double f = u - i;
        Color a = SCALE[i];
        Color b = SCALE[i + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    private static String clip(FontMetrics fm, String text, int width) {
        if (fm.stringWidth(text) <= width) {
            return text;
        }
        String t = text;
        while (t.length() > 1 && fm.stringWidth(t + "…") > width) {
            t = t.substring(0, t.length() - 1);
        }
        return t + "…";
    }

    static String format(double v) {
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e5 || a < 1e-3) {
            return String.format("%.0e", v);
        }
        String s = a >= 100 ? String.format("%.0f", v) : a >= 1 ? String.format("%.2f", v) : String.format("%.3f", v);
        return s.contains(".") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    /** The finite extent of all x (or all y, with bands) values; null when there is none. */
    private static double[] range(List<Series> series, boolean xs, boolean log) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] values : xs ? List.of(s.x()) : s.low() == null ? List.of(s.y()) : List.of(s.y(), s.low(), s.high())) {
                for (double v : values) {
                    if (Double.isFinite(v) && (!log || v > 0)) {
                        lo = Math.min(lo, v);
                        hi = Math.max(hi, v);
                    }
                }
            }
        }
        if (lo > hi) {
            return null;
        }
        if (lo == hi) {
            double pad = log ? lo * 0.5 : lo == 0 ? 1 : Math.abs(lo) * 0.1;
            return new double[] {lo - pad, hi + (log ? lo : pad)};
        }
        if (!log) {
            double pad = (hi - lo) * 0.04;
            return new double[] {xs && lo >= 0 ? Math.max(0, lo - pad) : lo - pad, hi + pad};
        }
        return new double[] {lo / 1.2, hi * 1.2};
    }

    /** A linear or log axis from data values to pixels. */
    private record Axis(double min, double max, boolean log, int from, int to) {
        double exact(double v) {
            double t = log ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
            return from + t * (to - from);
        }

        int pixel(double v) {
            return (int) Math.round(exact(v));
        }

        boolean plottable(double v) {
            return Double.isFinite(v) && (!log || v > 0);
        }

        /** Round values inside the range: 1, 2 or 5 × a power of ten apart (powers of ten on a log axis). */
        List<Double> ticks() {
            List<Double> ticks = new ArrayList<>();
            if (log) {
                int lo = (int) Math.floor(Math.log10(min));
                int hi = (int) Math.ceil(Math.log10(max));
                double[] steps = hi - lo <= 2 ? new double[] {1, 2, 5} : new double[] {1};
                for (int e = lo; e <= hi; e++) {
                    for (double m : steps) {
                        double v = m * Math.pow(10, e);
                        if (v >= min && v <= max) {
                            ticks.add(v);
                        }
                    }
                }
                return ticks;
            }
            double raw = (max - min) / 6;
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            double step = raw / magnitude < 1.5 ? magnitude : raw / magnitude < 3.5 ? 2 * magnitude : raw / magnitude < 7.5 ? 5 * magnitude
                    : 10 * magnitude;
            for (double v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
                ticks.add(Math.abs(v) < step * 1e-9 ? 0 : v);
            }
            return ticks;
        }
    }
}
