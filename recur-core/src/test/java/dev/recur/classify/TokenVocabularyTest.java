package dev.recur.classify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The classifier's token vocabulary: reserved ids, counts, bounds, unknown tokens, the saved form. */
class TokenVocabularyTest {

    /** Counts b 3, a 2, c 1, d 1; first appearances b, a, c, d. */
    private static final List<List<String>> TRAIN = List.of(List.of("b", "a", "b"), List.of("c", "a", "d"),
            List.of("b"));

    @Test
    void idsGoByDescendingCountThenFirstAppearance() {
        TokenVocabulary v = TokenVocabulary.build(TRAIN, 1, 100);
        assertEquals(List.of("<pad>", "<unk>", "b", "a", "c", "d"), v.tokens());
        assertEquals(6, v.size());
        assertEquals("a", v.token(3));
        assertEquals(3, v.id("a"));
        assertArrayEquals(new int[] {3, 2, 4, 5}, v.encode(List.of("a", "b", "c", "d")));
    }

    @Test
    void tokensBelowTheMinCountAreUnknown() {
        TokenVocabulary v = TokenVocabulary.build(TRAIN, 2, 100);
        assertEquals(List.of("<pad>", "<unk>", "b", "a"), v.tokens());
        assertArrayEquals(new int[] {3, 1, 1, 2}, v.encode(List.of("a", "c", "never", "b")));
    }

    @Test
    void theMaxSizeCountsTheReservedIds() {
        assertEquals(List.of("<pad>", "<unk>"), TokenVocabulary.build(TRAIN, 1, 2).tokens());
        assertEquals(List.of("<pad>", "<unk>", "b", "a"), TokenVocabulary.build(TRAIN, 1, 4).tokens());
        // c and d are tied at 1: c appeared first
        assertEquals(List.of("<pad>", "<unk>", "b", "a", "c"), TokenVocabulary.build(TRAIN, 1, 5).tokens());
    }

    @Test
    void encodingNeverGivesPadding() {
        TokenVocabulary v = TokenVocabulary.build(List.of(List.of("<pad>", "x", "<unk>")), 1, 10);
        assertEquals(List.of("<pad>", "<unk>", "x"), v.tokens(), "the reserved names are not counted");
        assertArrayEquals(new int[] {1, 2, 1}, v.encode(List.of("<pad>", "x", "<unk>")));
    }

    @Test
    void theUnknownRateIsOverAllTokens() {
        TokenVocabulary v = TokenVocabulary.build(TRAIN, 2, 100);
        assertEquals(0.5, v.unknownRate(List.of(List.of("a", "c"), List.of("z", "b"))), 0);
        assertEquals(0.0, v.unknownRate(List.of(List.of("a", "b", "b"))), 0);
        assertEquals(0.0, v.unknownRate(List.of()), 0, "no tokens");
    }

    @Test
    void theSavedFormRoundTrips() {
        TokenVocabulary v = TokenVocabulary.build(TRAIN, 1, 100);
        TokenVocabulary back = TokenVocabulary.of(List.copyOf(v.tokens()));
        assertEquals(v.tokens(), back.tokens());
        List<String> text = List.of("d", "a", "q", "b");
        assertArrayEquals(v.encode(text), back.encode(text));
    }

    @Test
    void aBrokenSavedFormIsRefused() {
        String reserved = message(() -> TokenVocabulary.of(List.of("<unk>", "<pad>", "a")));
        assertTrue(reserved.contains("expected <pad> and <unk> as ids 0 and 1, found '<unk>' and '<pad>'"), reserved);
        assertTrue(message(() -> TokenVocabulary.of(List.of("<pad>"))).contains("found 1 tokens"));
        String duplicate = message(() -> TokenVocabulary.of(List.of("<pad>", "<unk>", "a", "b", "a")));
        assertTrue(duplicate.contains("found 'a' at ids 2 and 4"), duplicate);
        assertTrue(message(() -> TokenVocabulary.of(List.of("<pad>", "<unk>", "<unk>"))).contains("ids 1 and 2"));
    }

    @Test
    void invalidInputsAreRefusedInOneLine() {
        TokenVocabulary v = TokenVocabulary.build(TRAIN, 1, 100);
        assertTrue(message(() -> v.encode(List.of())).startsWith("tokens: expected at least one, found none"));
        assertTrue(message(() -> v.token(6)).contains("expected 0..5, found 6"));
        assertTrue(message(() -> TokenVocabulary.build(TRAIN, 0, 10)).contains("expected >= 1, found 0"));
        assertTrue(message(() -> TokenVocabulary.build(TRAIN, 1, 1)).contains("found 1"));
        assertTrue(message(() -> TokenVocabulary.build(List.of(List.of()), 1, 10)).contains("found none"));
    }

    private static String message(Runnable r) {
        String m = assertThrows(IllegalArgumentException.class, r::run).getMessage();
        assertFalse(m.contains("\n"), m);
        return m;
    }
}
