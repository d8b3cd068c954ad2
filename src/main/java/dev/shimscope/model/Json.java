package dev.shimscope.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import dev.shimscope.syscall.Syscall;
import dev.shimscope.syscall.SyscallTable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The one JSON configuration of the tool: stable key order, indented, no nulls; a
 * {@link Syscall} is written as its name (also as a map key) and read back through the x86_64
 * table ({@code syscall_N} for a number without a name).
 */
public final class Json {

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .serializationInclusion(JsonInclude.Include.NON_NULL)
            .addModule(syscalls())
            .build();

    private static SimpleModule syscalls() {
        SimpleModule m = new SimpleModule("shimscope-syscalls");
        m.addSerializer(Syscall.class, new JsonSerializer<>() {
            @Override
            public void serialize(Syscall s, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeString(s.name());
            }
        });
        m.addKeySerializer(Syscall.class, new JsonSerializer<>() {
            @Override
            public void serialize(Syscall s, JsonGenerator g, SerializerProvider p) throws IOException {
                g.writeFieldName(s.name());
            }
        });
        m.addDeserializer(Syscall.class, new JsonDeserializer<>() {
            @Override
            public Syscall deserialize(JsonParser p, DeserializationContext c) throws IOException {
                return SyscallTable.x86_64().require(p.getValueAsString());
            }
        });
        m.addKeyDeserializer(Syscall.class, new KeyDeserializer() {
            @Override
            public Object deserializeKey(String key, DeserializationContext c) {
                return SyscallTable.x86_64().require(key);
            }
        });
        return m;
    }

    private Json() {
    }

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes JSON to a file atomically (temp file, then rename), so a reader never sees half of it. */
    public static void writeFile(Path file, Object value) throws IOException {
        Path abs = file.toAbsolutePath();
        Files.createDirectories(abs.getParent());
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.writeString(tmp, write(value));
            Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
