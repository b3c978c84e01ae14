import com.amazonaws.services.dynamodbv2.local.shared.access.sqlite.TableSchemaInfo;
import com.amazonaws.services.dynamodbv2.local.shared.mapper.DynamoDBObjectMapper;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import sun.misc.Unsafe;

/**
 * Keeps DynamoDB Local's table descriptions parsed, keyed by their exact bytes.
 *
 * Why: for every item it reads or writes (often twice an item), DynamoDB Local 1.25.1 selects the table's
 * description (a JSON document of 0.4 to 6.5 KB: attributes, indexes, SQLite column mappings) from its metadata
 * table and parses it with Jackson. That parse was about a third of its SQLite thread's time in a feed of the
 * medical bureau's, and that thread's work is serial (docs/performance.md, 2026-12-02 fifth session).
 *
 * How: the item operations' jobs (SQLiteDBAccessJob.getTableSchemaInfo2) parse with the static mapper
 * SQLiteDBAccessJob.MAPPER. This class replaces that mapper with one that answers a TableSchemaInfo from this
 * cache when the bytes read from the metadata table are exactly the bytes it parsed before, and parses otherwise.
 *
 * Why it is exact:
 * - The key is the description's bytes as stored, read by DynamoDB Local itself at every call, as before. Any
 *   change to a table (an index created, its status moved, an index or the table deleted, TTL) writes new bytes,
 *   which miss. No invalidation is needed, nothing can be stale.
 * - The item jobs only read a description. What changes one (updateMetadataTable, the TTL update, index creation
 *   and deletion) reads it through SQLiteDBAccess's own mapper, a different static field left as it is, so a
 *   description being changed is never an object of this cache.
 * - Other types the mapper reads (stream descriptions) go to Jackson as before.
 *
 * If the field is not there as expected (another DynamoDB Local version), nothing is replaced and the launcher
 * says why; the store then works as DynamoDB Local ships, only slower.
 */
final class TableDescriptionCache extends DynamoDBObjectMapper {
  private static final long serialVersionUID = 1L;
  /** Descriptions kept at most; past it the cache starts again (a long-lived store whose tables changed often). */
  private static final int MAX_ENTRIES = 512;

  private static final class Bytes {
    final byte[] bytes;
    final int hash;

    Bytes(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Bytes && Arrays.equals(bytes, ((Bytes) o).bytes);
    }
  }

  private final transient ConcurrentHashMap<Bytes, TableSchemaInfo> parsed = new ConcurrentHashMap<>();

  @Override
  public <T> T readValue(byte[] src, Class<T> type) throws IOException {
    if (type != TableSchemaInfo.class || src == null) return super.readValue(src, type);
    TableSchemaInfo info = parsed.get(new Bytes(src));
    if (info == null) {
      info = (TableSchemaInfo) super.readValue(src, type);
      if (parsed.size() >= MAX_ENTRIES) parsed.clear();
      // A copy: the caller's array is SQLite's column value, not ours to keep.
      parsed.put(new Bytes(src.clone()), info);
    }
    return type.cast(info);
  }

  /** Puts the cache in place; answers "cached", or "not cached: <why>". */
  static String install() {
    try {
      Class<?> job = Class.forName( // initializes it: its MAPPER is set once, here
          "com.amazonaws.services.dynamodbv2.local.shared.access.sqlite.SQLiteDBAccessJob");
      Field mapper = job.getDeclaredField("MAPPER");
      if (!Modifier.isStatic(mapper.getModifiers()) || mapper.getType() != DynamoDBObjectMapper.class) {
        return "not cached: SQLiteDBAccessJob.MAPPER is not a static DynamoDBObjectMapper in this DynamoDB Local";
      }
      // A static final field: only Unsafe can set it. This runs before any code that reads it is compiled.
      Field theUnsafe = Unsafe.class.getDeclaredField("theUnsafe");
      theUnsafe.setAccessible(true);
      Unsafe unsafe = (Unsafe) theUnsafe.get(null);
      unsafe.putObjectVolatile(unsafe.staticFieldBase(mapper), unsafe.staticFieldOffset(mapper), new TableDescriptionCache());
      mapper.setAccessible(true);
      return mapper.get(null) instanceof TableDescriptionCache ? "cached" : "not cached: the mapper could not be replaced";
    } catch (Throwable e) {
      return "not cached: " + e;
    }
  }
}
