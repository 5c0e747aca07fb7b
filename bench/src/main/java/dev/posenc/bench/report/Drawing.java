package dev.posenc.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Stroke;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/** A white PNG canvas with the charts' fonts, colours and strokes (Java2D, headless). */
final class Drawing {
    static final Color VECTOR = new Color(0x1F, 0x77, 0xB4);
    static final Color PLAIN = new Color(0x55, 0x55, 0x55);
    static final Color PEER = new Color(0xD6, 0x7E, 0x00);
    static final Color LIMIT = new Color(0xC0, 0x1F, 0x1F);
    static final Color GRID = new Color(0xE4, 0xE4, 0xE4);
    static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 15);
    static final Font TEXT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Font SMALL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
    static final Stroke DASHED = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);
    static final Stroke THIN = new BasicStroke(1f);
    static final Stroke WHISKER = new BasicStroke(1.5f);

    final BufferedImage image;
    final Graphics2D g;

    Drawing(int width, int height) {
        image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
    }

    /** Text at {@code (x, y)} (baseline); {@code align} −1 left, 0 centre, 1 right. */
    void text(String s, double x, double y, Font font, Color color, int align) {
        g.setFont(font);
        g.setColor(color);
        int w = g.getFontMetrics().stringWidth(s);
        g.drawString(s, (float) (x - (align + 1) * w / 2.0), (float) y);
    }

    void line(double x0, double y0, double x1, double y1, Color color, Stroke stroke) {
        g.setColor(color);
        g.setStroke(stroke);
        g.drawLine((int) Math.round(x0), (int) Math.round(y0), (int) Math.round(x1), (int) Math.round(y1));
    }

    /** A horizontal whisker from {@code x0} to {@code x1} with end caps. */
    void whisker(double x0, double x1, double y, double cap, Color color) {
        line(x0, y, x1, y, color, WHISKER);
        line(x0, y - cap, x0, y + cap, color, WHISKER);
        line(x1, y - cap, x1, y + cap, color, WHISKER);
    }

    void save(Path file) throws IOException {
        g.dispose();
        ImageIO.write(image, "png", file.toFile());
    }
}
