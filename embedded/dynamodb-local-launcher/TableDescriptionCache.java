import com.amazonaws.services.dynamodbv2.local.shared.access.TableInfo;
import com.amazonaws.services.dynamodbv2.local.shared.access.sqlite.SQLiteIndexElement;
import com.amazonaws.services.dynamodbv2.local.shared.access.sqlite.TableSchemaInfo;
import com.amazonaws.services.dynamodbv2.local.shared.mapper.DynamoDBObjectMapper;
import com.amazonaws.services.dynamodbv2.model.AttributeDefinition;
import com.amazonaws.services.dynamodbv2.model.GlobalSecondaryIndexDescription;
import com.amazonaws.services.dynamodbv2.model.LocalSecondaryIndex;
import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import sun.misc.Unsafe;

/**
 * Keeps DynamoDB Local's table descriptions parsed, keyed by their exact bytes.
 *
 * Why: for every item a request reads or writes, DynamoDB Local 1.25.1 selects the table's description (a JSON
 * document of 0.4 to 6.5 KB: attributes, indexes, SQLite column mappings) from its metadata table and parses it
 * with Jackson, two or three times: once to check the table exists (getTableInfo), once or twice in the job that
 * reads or writes the item (SQLiteDBAccessJob.getTableSchemaInfo2). Those parses were over half of the time of its
 * SQLite thread in a feed of the medical bureau's, and that thread's work is serial (docs/performance.md,
 * 2026-12-02 fifth session).
 *
 * How: both parse with a static mapper, SQLiteDBAccessJob.MAPPER and SQLiteDBAccess.MAPPER. install() puts an
 * instance of this class in each. Asked for a TableSchemaInfo, it answers the one it parsed from the same bytes
 * before, and parses otherwise. Everything else it reads or writes goes to Jackson as before.
 *
 * Why it is exact:
 * - The key is the description's bytes as stored, selected by DynamoDB Local itself at every call, as before. Any
 *   change to a table (an index created, its status moved, an index or the table deleted, TTL) writes new bytes,
 *   which miss. Nothing needs invalidating and nothing can be stale.
 * - Nobody may change a cached object. The item jobs only read a description (their bytecode calls no setter of
 *   it), so SQLiteDBAccessJob's mapper hands them the cached one. SQLiteDBAccess's mapper serves readers that may
 *   change what they get (UpdateTable's, TTL's, DescribeTable's): there only getTableInfo's job is served from the
 *   cache, and it gets a copy (fresh lists, cloned attribute and index descriptions); every other caller parses.
 *
 * If the fields or the job are not there as expected (another DynamoDB Local version), nothing of it is replaced
 * and the launcher says why; the store then works as DynamoDB Local ships, only slower.
 */
final class TableDescriptionCache extends DynamoDBObjectMapper {
  private static final long serialVersionUID = 1L;
  /** Descriptions kept at most; past it the cache starts again (a long-lived store whose tables changed often). */
  private static final int MAX_ENTRIES = 512;
  private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
  private static final String SQLITE = "com.amazonaws.services.dynamodbv2.local.shared.access.sqlite.";

  /** A description's bytes. Equal only if every byte is; the hash samples them (a full hash cost as much as a look-up). */
  private static final class Bytes {
    final byte[] bytes;
    final int hash;

    Bytes(byte[] bytes) {
      this.bytes = bytes;
      int h = bytes.length;
      for (int i = 0; i < bytes.length; i += 29) h = 31 * h + bytes[i];
      for (int i = Math.max(0, bytes.length - 64); i < bytes.length; i++) h = 31 * h + bytes[i];
      this.hash = h;
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
  /** Null: every caller reads the cached object. Else only this caller is served from the cache, with a copy. */
  private final transient Class<?> onlyCaller;

  private TableDescriptionCache(Class<?> onlyCaller) {
    this.onlyCaller = onlyCaller;
  }

  @Override
  public <T> T readValue(byte[] src, Class<T> type) throws IOException {
    if (type != TableSchemaInfo.class || src == null) return super.readValue(src, type);
    if (onlyCaller != null && WALKER.getCallerClass() != onlyCaller) return super.readValue(src, type);
    TableSchemaInfo info = parsed.get(new Bytes(src));
    if (info == null) {
      info = (TableSchemaInfo) super.readValue(src, type);
      if (parsed.size() >= MAX_ENTRIES) parsed.clear();
      // A copy of the key: the caller's array is SQLite's column value, not ours to keep.
      parsed.put(new Bytes(src.clone()), info);
    }
    return type.cast(onlyCaller == null ? info : copyOf(info));
  }

  /** What Jackson would have made of the same bytes, sharing no list or index description with `s`. */
  static TableSchemaInfo copyOf(TableSchemaInfo s) {
    TableSchemaInfo c = new TableSchemaInfo();
    c.setAttributes(copy(s.getAttributes(), AttributeDefinition::clone));
    c.setLsiList(copy(s.getLsiList(), LocalSecondaryIndex::clone));
    // Also sets the GSI list, derived from these as when Jackson set them.
    c.setGsiDescList(copy(s.getGsiDescList(), GlobalSecondaryIndexDescription::clone));
    Map<String, List<SQLiteIndexElement>> index = s.getSqliteIndex();
    if (index != null) {
      Map<String, List<SQLiteIndexElement>> indexCopy = new LinkedHashMap<>();
      index.forEach((name, elements) -> indexCopy.put(name, copy(elements, e -> e)));
      c.setSqliteIndex(indexCopy);
    }
    c.setUniqueIndexes(copy(s.getUniqueIndexes(), e -> e));
    c.setUniqueGSIIndexes(copy(s.getUniqueGSIIndexes(), elements -> copy(elements, e -> e)));
    c.setTimeToLiveAttributeName(s.getTimeToLiveAttributeName());
    return c;
  }

  private static <E> List<E> copy(List<E> list, UnaryOperator<E> element) {
    if (list == null) return null;
    List<E> out = new ArrayList<>(list.size());
    for (E e : list) out.add(e == null ? null : element.apply(e));
    return out;
  }

  /** Puts the caches in place; answers "cached", or "not cached: <why>". */
  static String install() {
    try {
      Unsafe unsafe = unsafe();
      // Class.forName initializes the classes: each static MAPPER is set once, then replaced here, before any code
      // that reads it has run (so none has been compiled with the old value).
      Field jobMapper = mapperOf(Class.forName(SQLITE + "SQLiteDBAccessJob"));
      Field accessMapper = mapperOf(Class.forName(SQLITE + "SQLiteDBAccess"));
      Class<?> tableInfoJob = tableInfoJob();
      if (jobMapper == null || accessMapper == null || tableInfoJob == null) {
        return "not cached: this DynamoDB Local's SQLite access is not the one TableDescriptionCache was written for";
      }
      replace(unsafe, jobMapper, new TableDescriptionCache(null));
      replace(unsafe, accessMapper, new TableDescriptionCache(tableInfoJob));
      return jobMapper.get(null) instanceof TableDescriptionCache && accessMapper.get(null) instanceof TableDescriptionCache
          ? "cached"
          : "not cached: the mappers could not be replaced";
    } catch (Throwable e) {
      return "not cached: " + e;
    }
  }

  private static Unsafe unsafe() throws ReflectiveOperationException {
    Field theUnsafe = Unsafe.class.getDeclaredField("theUnsafe");
    theUnsafe.setAccessible(true);
    return (Unsafe) theUnsafe.get(null);
  }

  /** The class's static DynamoDBObjectMapper MAPPER, readable; null if it has none. */
  private static Field mapperOf(Class<?> owner) {
    try {
      Field f = owner.getDeclaredField("MAPPER");
      if (!Modifier.isStatic(f.getModifiers()) || f.getType() != DynamoDBObjectMapper.class) return null;
      f.setAccessible(true);
      return f;
    } catch (NoSuchFieldException e) {
      return null;
    }
  }

  /** The job of SQLiteDBAccess.getTableInfo: its one inner class whose doWork answers a TableInfo. */
  private static Class<?> tableInfoJob() {
    Class<?> found = null;
    for (int n = 1; n < 200; n++) {
      Class<?> c;
      try {
        c = Class.forName(SQLITE + "SQLiteDBAccess$" + n, false, TableDescriptionCache.class.getClassLoader());
      } catch (ClassNotFoundException e) {
        continue;
      }
      for (Method m : c.getDeclaredMethods()) {
        if (m.getName().equals("doWork") && m.getReturnType() == TableInfo.class) {
          if (found != null && found != c) return null; // two: not the code this was written for
          found = c;
        }
      }
    }
    return found;
  }

  private static void replace(Unsafe unsafe, Field field, Object value) {
    // A static final field: only Unsafe can set it.
    unsafe.putObjectVolatile(unsafe.staticFieldBase(field), unsafe.staticFieldOffset(field), value);
  }
}
