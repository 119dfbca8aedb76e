package dev.kinora.engine.model;

import java.text.Normalizer;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The prompt clean-up a family's diffusers pipeline applies before tokenizing, so the same words give the same
 * tokens here as there. {@code wan} is diffusers' {@code prompt_clean}: {@code ftfy.fix_text}, {@code html.unescape}
 * twice, trim, every whitespace run to one space.
 *
 * <p>Of ftfy this does the fixes its defaults make on well-formed text (docs/pack-format-2.md): terminal escapes and
 * control characters removed, line breaks unified, Latin ligatures split, full-width forms to ASCII, curly quotes
 * straightened, NFC. It does not repair mojibake (text decoded in the wrong encoding), which a prompt typed into
 * Kinora cannot contain. Named HTML entities are the common ones and every numeric one; Python knows all of
 * HTML5's, so a rare name such as {@code &Aring;} stays as typed here.
 */
public final class PromptCleaner {
    private static final Pattern ANSI = Pattern.compile("\u001b\\[[0-9;]*[A-Za-z]");
    private static final Pattern ENTITY = Pattern.compile("&(#[0-9]{1,7};?|#[xX][0-9a-fA-F]{1,6};?|[A-Za-z][A-Za-z0-9]{1,31};?)");
    private static final Pattern WHITESPACE = Pattern.compile("[\\s\\p{Z}\u0085\u180e\u200b]+");
    private static final Map<String, String> NAMED = Map.ofEntries(
            Map.entry("amp", "&"), Map.entry("lt", "<"), Map.entry("gt", ">"), Map.entry("quot", "\""), Map.entry("apos", "'"),
            Map.entry("nbsp", "\u00a0"), Map.entry("copy", "\u00a9"), Map.entry("reg", "\u00ae"), Map.entry("trade", "\u2122"),
            Map.entry("hellip", "\u2026"), Map.entry("mdash", "\u2014"), Map.entry("ndash", "\u2013"), Map.entry("lsquo", "\u2018"),
            Map.entry("rsquo", "\u2019"), Map.entry("ldquo", "\u201c"), Map.entry("rdquo", "\u201d"), Map.entry("deg", "\u00b0"),
            Map.entry("times", "\u00d7"), Map.entry("middot", "\u00b7"), Map.entry("eacute", "\u00e9"), Map.entry("egrave", "\u00e8"),
            Map.entry("agrave", "\u00e0"), Map.entry("ccedil", "\u00e7"), Map.entry("uuml", "\u00fc"), Map.entry("ouml", "\u00f6"),
            Map.entry("auml", "\u00e4"), Map.entry("szlig", "\u00df"), Map.entry("ntilde", "\u00f1"), Map.entry("euro", "\u20ac"),
            Map.entry("pound", "\u00a3"), Map.entry("yen", "\u00a5"), Map.entry("cent", "\u00a2"), Map.entry("sect", "\u00a7"));
    /** Python unescapes these few without their semicolon too (HTML's legacy names). */
    private static final java.util.Set<String> LEGACY = java.util.Set.of("amp", "lt", "gt", "quot", "nbsp", "copy", "reg");

    private PromptCleaner() {
    }

    /** The prompt as the family's pipeline would tokenize it; {@code none} leaves it as typed. */
    public static String clean(String kind, String text) {
        String t = text == null ? "" : text;
        return switch (kind) {
            case "none" -> t;
            case "wan" -> WHITESPACE.matcher(unescape(unescape(fixText(t))).strip()).replaceAll(" ").strip();
            default -> throw new IllegalArgumentException("unknown prompt cleaner '" + kind + "'");
        };
    }

    /** ftfy.fix_text's default fixes on well-formed text, in its order. */
    static String fixText(String s) {
        String t = ANSI.matcher(s).replaceAll("");
        t = t.replace("\r\n", "\n").replace('\r', '\n').replace('\u2028', '\n').replace('\u2029', '\n').replace('\u0085', '\n');
        StringBuilder b = new StringBuilder(t.length());
        t.codePoints().forEach(cp -> {
            if (control(cp)) {
                return;
            }
            if (cp >= 0xFB00 && cp <= 0xFB06 || cp >= 0x0132 && cp <= 0x0133 || cp >= 0x013F && cp <= 0x0140 || cp == 0x0149
                    || cp >= 0x01C4 && cp <= 0x01CC || cp >= 0x01F1 && cp <= 0x01F3) {
                b.append(Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC)); // ligatures
            } else if (cp >= 0xFF01 && cp <= 0xFF5E) {
                b.append((char) (cp - 0xFF01 + 0x21)); // full-width ASCII
            } else if (cp == 0x3000) {
                b.append(' ');
            } else if (cp >= 0xFF61 && cp <= 0xFFDC) {
                b.append(Normalizer.normalize(new String(Character.toChars(cp)), Normalizer.Form.NFKC)); // half-width kana
            } else if (cp == 0x02BC || cp >= 0x2018 && cp <= 0x201B) {
                b.append('\'');
            } else if (cp >= 0x201C && cp <= 0x201F) {
                b.append('"');
            } else {
                b.appendCodePoint(cp);
            }
        });
        return Normalizer.normalize(b, Normalizer.Form.NFC);
    }

    /** ftfy's remove_control_chars: C0 controls but tab, line feed, form feed and CR; DEL; bidi/format leftovers; tags. */
    private static boolean control(int cp) {
        return cp <= 0x08 || cp == 0x0B || cp >= 0x0E && cp <= 0x1F || cp == 0x7F || cp >= 0x206A && cp <= 0x206F
                || cp == 0xFEFF || cp >= 0xFFF9 && cp <= 0xFFFC || cp >= 0x1D173 && cp <= 0x1D17A || cp >= 0xE0000 && cp <= 0xE007F;
    }

    /** Python's html.unescape for numeric entities and the common names. */
    static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder out = new StringBuilder(s.length());
        while (m.find()) {
            String body = m.group(1);
            boolean semi = body.endsWith(";");
            String name = semi ? body.substring(0, body.length() - 1) : body;
            String rep = null;
            if (name.startsWith("#")) {
                boolean hex = name.length() > 1 && (name.charAt(1) == 'x' || name.charAt(1) == 'X');
                try {
                    int cp = Integer.parseInt(name.substring(hex ? 2 : 1), hex ? 16 : 10);
                    // Python maps invalid code points to U+FFFD, as HTML5 says
                    rep = cp == 0 || cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF ? "\ufffd" : new String(Character.toChars(cp));
                } catch (NumberFormatException e) {
                    rep = null;
                }
            } else if (NAMED.containsKey(name) && (semi || LEGACY.contains(name))) {
                rep = NAMED.get(name);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(rep != null ? rep : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }
}
