package dev.recur.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    // U+1F600 (emoji) and U+20000 (CJK Extension B): each two Java chars, one token.
    private static final String GRIN = new String(Character.toChars(0x1F600));
    private static final String CJK_B = new String(Character.toChars(0x20000));

    @Test
    void sortedSetOfCodePoints() {
        Vocabulary v = Vocabulary.fromText("banana!");
        assertArrayEquals(new int[] {'!', 'a', 'b', 'n'}, v.codePoints());
        assertEquals(4, v.size());
        assertEquals(0, v.id('!'));
        assertEquals(3, v.id('n'));
        assertEquals('b', v.codePoint(2));
        assertArrayEquals(new int[] {2, 1, 3, 1, 3, 1, 0}, v.encode("banana!"));
    }

    @Test
    void codePointsOutsideTheBmpAreOneTokenAndRoundTrip() {
        String text = "a" + GRIN + "b" + CJK_B + GRIN + "\n";
        assertEquals(9, text.length()); // Java chars: three of the six characters take two
        Vocabulary v = Vocabulary.fromText(text);
        assertArrayEquals(new int[] {'\n', 'a', 'b', 0x1F600, 0x20000}, v.codePoints());
        int[] ids = v.encode(text);
        assertArrayEquals(new int[] {1, 3, 2, 4, 3, 0}, ids); // 6 tokens, one per code point
        assertEquals(text, v.decode(ids));
        assertEquals(GRIN, v.token(3));
        assertEquals(CJK_B, v.token(4));

        Vocabulary restored = Vocabulary.of(v.codePoints());
        assertEquals(v, restored);
        assertEquals(v.hashCode(), restored.hashCode());
        assertArrayEquals(ids, restored.encode(text));
        assertEquals(text, restored.decode(ids));
    }

    @Test
    void orderIsByCodePointNotByUtf16() {
        // In UTF-16 order U+1F600 (high surrogate D83D) sorts before U+FF5E; by code point it is after.
        Vocabulary v = Vocabulary.fromText(GRIN + "\uFF5E");
        assertArrayEquals(new int[] {0xFF5E, 0x1F600}, v.codePoints());
    }

    @Test
    void chineseText() {
        String poem = "床前明月光，疑是地上霜。\n舉頭望明月，低頭思故鄉。\n";
        Vocabulary v = Vocabulary.fromText(poem);
        assertEquals(poem.codePoints().distinct().count(), v.size());
        assertEquals(20, v.size());
        int[] ids = v.encode(poem);
        assertEquals(poem.codePointCount(0, poem.length()), ids.length);
        assertEquals(poem, v.decode(ids));
        assertTrue(v.codePoint(0) == '\n');
        assertEquals(v.id('明'), ids[2]);
        assertEquals(ids[2], ids[16]);
    }

    @Test
    void serialisedFormSurvivesJson() throws Exception {
        Vocabulary v = Vocabulary.fromText("héllo " + GRIN + CJK_B + "世界");
        ObjectMapper json = new ObjectMapper();
        String s = json.writeValueAsString(v.codePoints());
        Vocabulary back = Vocabulary.of(json.readValue(s, int[].class));
        assertEquals(v, back);
        assertEquals("héllo " + GRIN + CJK_B + "世界", back.decode(v.encode("héllo " + GRIN + CJK_B + "世界")));
    }

    @Test
    void unknownCharacterIsNamedWithItsPosition() {
        Vocabulary v = Vocabulary.fromText("ab" + GRIN);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.id(0x1F601));
        assertTrue(e.getMessage().contains("U+1F601"), e.getMessage());

        String text = "a" + GRIN + "b" + new String(Character.toChars(0x1F601));
        e = assertThrows(IllegalArgumentException.class, () -> v.encode(text));
        assertTrue(e.getMessage().contains("U+1F601"), e.getMessage());
        assertTrue(e.getMessage().contains("position 3"), e.getMessage()); // code-point index, not char index 4

        e = assertThrows(IllegalArgumentException.class, () -> v.encode("abc"));
        assertTrue(e.getMessage().contains("U+0063 'c'") && e.getMessage().contains("position 2"), e.getMessage());

        e = assertThrows(IllegalArgumentException.class, () -> v.encode("a\tb"));
        assertTrue(e.getMessage().contains("U+0009"), e.getMessage());
        assertFalse(v.contains('\t'));
        assertTrue(v.contains(0x1F600));
    }

    @Test
    void decodeRejectsOutOfRangeIds() {
        Vocabulary v = Vocabulary.fromText("xyz");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> v.decode(new int[] {0, 3}));
        assertTrue(e.getMessage().contains("token id 3 at position 1"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> v.codePoint(-1));
        assertThrows(IllegalArgumentException.class, () -> v.token(3));
    }

    @Test
    void ofValidatesTheSerialisedForm() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.of(new int[] {'a', 'c', 'b'}));
        assertTrue(e.getMessage().contains("U+0062") && e.getMessage().contains("out of order"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(new int[] {'a', 'a'}));
        assertTrue(e.getMessage().contains("duplicate"), e.getMessage());
        // every refusal gives its likely cause (a checkpoint that reads the form wraps the message as it is)
        for (int[] bad : new int[][] {{}, {'a', 'a'}, {'a', 0xD800}, {-1, 'a'}, {'a', 0x110000}}) {
            e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(bad));
            assertTrue(e.getMessage().startsWith("vocabulary: expected "), e.getMessage());
            assertTrue(e.getMessage().endsWith("; likely cause: a corrupted or hand-edited checkpoint"), e.getMessage());
        }

        int[] source = {'a', 'b'};
        Vocabulary v = Vocabulary.of(source);
        source[0] = 'z'; // defensive copy
        assertEquals('a', v.codePoint(0));
        v.codePoints()[0] = 'q';
        assertEquals('a', v.codePoint(0));
    }

    @Test
    void unpairedSurrogatesAndEmptyTextAreRejected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Vocabulary.fromText("ab\uD83D"));
        assertTrue(e.getMessage().contains("U+D83D") && e.getMessage().contains("position 2"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Vocabulary.fromText(""));
        Vocabulary v = Vocabulary.fromText("ab");
        e = assertThrows(IllegalArgumentException.class, () -> v.encode("a\uDC00"));
        assertTrue(e.getMessage().contains("U+DC00") && e.getMessage().contains("surrogate"), e.getMessage());
    }
}
