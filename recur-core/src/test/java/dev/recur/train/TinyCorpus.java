package dev.recur.train;

import dev.recur.data.TextCorpus;
import dev.recur.data.CorpusFormatException;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/** Small deterministic corpora for training tests. */
public final class TinyCorpus {

    private TinyCorpus() {
    }

    /**
     * A text of words drawn from a small lexicon, with line breaks: enough structure to learn.
     *
     * @param characters about how many characters
     * @param seed       the seed
     * @param lexicon    the words
     * @return the text
     */
    public static String text(int characters, long seed, String... lexicon) {
        SplittableRandom rng = new SplittableRandom(seed);
        StringBuilder sb = new StringBuilder();
        int words = 0;
        while (sb.codePointCount(0, sb.length()) < characters) {
            sb.append(lexicon[rng.nextInt(lexicon.length)]);
            sb.append(++words % 8 == 0 ? "\n" : " ");
        }
        return sb.toString();
    }

    /**
     * An English-like corpus.
     *
     * @param characters about how many characters
     * @return the corpus
     */
    public static TextCorpus english(int characters) {
        return corpus(text(characters, 7, "the", "cat", "sat", "on", "a", "mat", "and", "dog", "ran", "to", "him",
                "her", "quick", "brown", "fox"), "tiny-english.txt");
    }

    /**
     * A corpus using characters outside the Basic Multilingual Plane (emoji, CJK extension B) besides
     * Chinese and ASCII.
     *
     * @param characters about how many characters
     * @return the corpus
     */
    public static TextCorpus beyondBmp(int characters) {
        return corpus(text(characters, 11, "\uD83D\uDE00", "\uD840\uDC00\u5B57", "\u6625\u7720", "\uD83C\uDF38\u82B1",
                "\u4E0D\u89BA\u66C9", "moon", "\uD835\uDD38"), "tiny-beyond-bmp.txt");
    }

    /**
     * Wraps a text as a corpus.
     *
     * @param text the text
     * @param name its source name
     * @return the corpus
     */
    public static TextCorpus corpus(String text, String name) {
        try {
            return TextCorpus.fromBytes(text.getBytes(StandardCharsets.UTF_8), name);
        } catch (CorpusFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
