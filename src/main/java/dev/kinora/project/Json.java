package dev.kinora.project;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** The one configured mapper for the package's files. */
final class Json {
    private Json() {
    }

    static final ObjectMapper MAPPER = build();

    private static ObjectMapper build() {
        // jackson-datatype-jsr310 is not on the classpath; ISO-8601 strings are all the files need.
        SimpleModule time = new SimpleModule("kinora-time");
        time.addSerializer(Instant.class, new JsonSerializer<>() {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
                gen.writeString(value.toString());
            }
        });
        time.addDeserializer(Instant.class, new JsonDeserializer<>() {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
                String s = p.getValueAsString();
                try {
                    return s == null || s.isBlank() ? Instant.EPOCH : Instant.parse(s);
                } catch (DateTimeParseException e) {
                    return (Instant) ctxt.handleWeirdStringValue(Instant.class, s, "expected an ISO-8601 instant such as 2026-01-31T12:00:00Z");
                }
            }
        });
        return JsonMapper.builder()
                .addModule(time)
                // NaN means "pack default" in sampling settings; it must survive a round trip.
                .enable(JsonWriteFeature.WRITE_NAN_AS_STRINGS)
                .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
                // Files from newer builds may carry fields we do not know; optional ones are ignored.
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    /**
     * A JSON document from bytes already read. Whatever goes wrong is the file's fault, so it is a
     * {@link FormatException}, including the plain {@code CharConversionException} Jackson throws when
     * the first bytes look like UTF-32 and the rest are not (a damaged or binary file does that).
     * The message reads after a file name: "is not valid JSON (...)".
     */
    static JsonNode parse(byte[] bytes) throws FormatException {
        try {
            return MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new FormatException("is not valid JSON (" + e.getOriginalMessage() + " at line "
                    + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")", e);
        } catch (IOException e) {
            throw new FormatException("is not valid JSON (" + e.getMessage() + ")", e);
        }
    }

    static Instant parseInstant(String s, Instant fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeParseException e) {
            return fallback;
        }
    }
}
