package dev.recur.classify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting texts into characters and words: code points, accents, emoji and Chinese. */
class TokenKindTest {

    @Test
    void charactersAreCodePointsNotJavaChars() {
        // "a", U+1F600 (two Java chars), precomposed é, U+20000 (a CJK ideograph outside the BMP)
        String text = "a\uD83D\uDE00\u00E9 \uD840\uDC00";
        assertEquals(7, text.length(), "Java chars");
        assertEquals(List.of("a", "\uD83D\uDE00", "\u00E9", " ", "\uD840\uDC00"), TokenKind.CHARS.split(text));
    }

    @Test
    void charactersOfChineseAreOneTokenEach() {
        assertEquals(List.of("我", "爱", "北", "京", "。"), TokenKind.CHARS.split("我爱北京。"));
    }

    @Test
    void charactersKeepCaseAndCombiningMarks() {
        // e followed by U+0301 COMBINING ACUTE ACCENT: two code points, two tokens
        assertEquals(List.of("E", "e", "\u0301"), TokenKind.CHARS.split("Ee\u0301"));
    }

    @Test
    void wordsAreLowerCasedSegmentsWithALetterOrDigit() {
        assertEquals(List.of("don't", "stop", "naïve", "café", "3.14", "e-mail", "école"),
                TokenKind.WORDS.split("Don't stop, naïve Café: 3.14 e-mail! ÉCOLE..."));
    }

    @Test
    void wordsLowerCaseWithTheRootLocale() {
        // in a Turkish locale "I" would become the dotless "ı"
        assertEquals(List.of("title"), TokenKind.WORDS.split("TITLE"));
    }

    @Test
    void wordsDropEmojiAndPunctuation() {
        assertEquals(List.of("i", "pizza"), TokenKind.WORDS.split("I \u2764\uFE0F \uD83D\uDE00 pizza!"));
        assertTrue(TokenKind.WORDS.split("\uD83D\uDE00 ?!").isEmpty(), "no letter or digit: no word");
        assertTrue(TokenKind.WORDS.split("").isEmpty());
        assertTrue(TokenKind.CHARS.split("").isEmpty());
    }

    @Test
    void wordsOfChineseAreTheBreakIteratorsRuns() {
        // the JDK has no Chinese dictionary: a run of ideographs between punctuation is one word
        assertEquals(List.of("我爱北京天安门", "你好"), TokenKind.WORDS.split("我爱北京天安门。你好"));
        // Japanese is cut where the script changes
        assertEquals(List.of("日本語", "の", "テキスト"), TokenKind.WORDS.split("日本語のテキスト"));
    }

    @Test
    void idsRoundTrip() {
        for (TokenKind k : TokenKind.values()) {
            assertEquals(k, TokenKind.fromId(k.id()));
        }
        assertEquals("chars", TokenKind.CHARS.id());
        assertEquals("words", TokenKind.WORDS.id());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TokenKind.fromId("Words"));
        assertTrue(e.getMessage().contains("expected one of chars, words, found 'Words'"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }
}
