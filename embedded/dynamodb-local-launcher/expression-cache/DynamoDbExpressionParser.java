package com.amazon.dynamodb.grammar;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.antlr.v4.runtime.ANTLRErrorListener;
import org.antlr.v4.runtime.Parser;
import org.antlr.v4.runtime.RecognitionException;
import org.antlr.v4.runtime.Recognizer;
import org.antlr.v4.runtime.atn.ATNConfigSet;
import org.antlr.v4.runtime.dfa.DFA;
import org.antlr.v4.runtime.tree.ParseTree;

/**
 * Stands in for DynamoDB Local's class of the same name, which parses every expression of every request with
 * ANTLR: the key conditions, filters, projections, condition and update expressions, and each key of
 * ExpressionAttributeNames and ExpressionAttributeValues. This one answers a parse it has made before from the
 * same string and parser, and otherwise calls DynamoDB Local's own parser classes, as the original does.
 *
 * Why: fangpin sends a few hundred distinct expressions, millions of times. Their parses were 16% of the time
 * a transaction spends holding DynamoDB Local's write lock in a feed of the medical bureau's, and 13% of its
 * request threads' time (docs/performance.md, 2026-12-02 sixth session).
 *
 * How it is put in place: embedded/dynamodb-local.ts puts this class's folder (loopback-<digest>/expression-cache)
 * before DynamoDBLocal.jar on the class path unless FANGPIN_DYNAMODB_EXPRESSION_CACHE=0. The launcher then asks
 * fangpinStatus(), which checks that DynamoDB Local's own class has no public method this one lacks.
 *
 * Why it is exact:
 * - A parse depends only on the string and the grammar rule: the parser classes are made afresh at every call
 *   and read nothing else. The cache is keyed by both.
 * - Only a parse that reported nothing to its error listener is kept (the listener passed in is wrapped to see
 *   that): a string with a syntax error is parsed, and reported, every time, as before.
 * - The parse tree is only read after it is made: DynamoDB Local's ASTListener walks it into its own fresh
 *   objects at every call (it calls no setter of the tree), so one tree can serve any number of threads.
 */
public class DynamoDbExpressionParser {
  /** Distinct strings kept at most per rule; past it, new strings are parsed every time (the first ones stay). */
  private static final int MAX_ENTRIES = 2048;

  private static final Map<String, ParseTree> PROJECTIONS = new ConcurrentHashMap<>();
  private static final Map<String, ParseTree> CONDITIONS = new ConcurrentHashMap<>();
  private static final Map<String, ParseTree> UPDATES = new ConcurrentHashMap<>();
  private static final Set<String> NAME_KEYS = ConcurrentHashMap.newKeySet();
  private static final Set<String> VALUE_KEYS = ConcurrentHashMap.newKeySet();

  public static ParseTree parseProjection(String expression, ANTLRErrorListener errorListener) {
    return parsed(PROJECTIONS, expression, errorListener, l -> new ProjectionExpressionParser().parse(expression, l));
  }

  public static ParseTree parseCondition(String expression, ANTLRErrorListener errorListener) {
    return parsed(CONDITIONS, expression, errorListener, l -> new ConditionExpressionParser().parse(expression, l));
  }

  public static ParseTree parseUpdate(String expression, ANTLRErrorListener errorListener) {
    return parsed(UPDATES, expression, errorListener, l -> new UpdateExpressionParser().parse(expression, l));
  }

  public static void parseAttributeNamesMapKeys(String attrMapKey, ANTLRErrorListener errorListener) {
    if (NAME_KEYS.contains(attrMapKey)) return;
    Watched watched = new Watched(errorListener);
    new AttributeNamesMapKeysParser().parse(attrMapKey, watched);
    if (!watched.called && NAME_KEYS.size() < MAX_ENTRIES) NAME_KEYS.add(attrMapKey);
  }

  public static void parseAttributeValuesMapKeys(String attrMapKey, ANTLRErrorListener errorListener) {
    if (VALUE_KEYS.contains(attrMapKey)) return;
    Watched watched = new Watched(errorListener);
    new AttributeValuesMapKeysParser().parse(attrMapKey, watched);
    if (!watched.called && VALUE_KEYS.size() < MAX_ENTRIES) VALUE_KEYS.add(attrMapKey);
  }

  private static ParseTree parsed(
      Map<String, ParseTree> cache, String expression, ANTLRErrorListener errorListener, Function<ANTLRErrorListener, ParseTree> parse) {
    // A null string is DynamoDB Local's to refuse (its caller asserts first); never a key.
    if (expression == null) return parse.apply(errorListener);
    ParseTree tree = cache.get(expression);
    if (tree != null) return tree;
    Watched watched = new Watched(errorListener);
    tree = parse.apply(watched);
    if (tree != null && !watched.called && cache.size() < MAX_ENTRIES) cache.put(expression, tree);
    return tree;
  }

  /** The caller's listener, told everything as before; `called` says whether anything was reported. */
  private static final class Watched implements ANTLRErrorListener {
    private final ANTLRErrorListener listener;
    volatile boolean called;

    Watched(ANTLRErrorListener listener) {
      this.listener = listener;
    }

    @Override
    public void syntaxError(Recognizer<?, ?> r, Object symbol, int line, int at, String msg, RecognitionException e) {
      called = true;
      listener.syntaxError(r, symbol, line, at, msg, e);
    }

    @Override
    public void reportAmbiguity(Parser p, DFA dfa, int start, int stop, boolean exact, BitSet alts, ATNConfigSet configs) {
      called = true;
      listener.reportAmbiguity(p, dfa, start, stop, exact, alts, configs);
    }

    @Override
    public void reportAttemptingFullContext(Parser p, DFA dfa, int start, int stop, BitSet alts, ATNConfigSet configs) {
      called = true;
      listener.reportAttemptingFullContext(p, dfa, start, stop, alts, configs);
    }

    @Override
    public void reportContextSensitivity(Parser p, DFA dfa, int start, int stop, int prediction, ATNConfigSet configs) {
      called = true;
      listener.reportContextSensitivity(p, dfa, start, stop, prediction, configs);
    }
  }

  /**
   * `cached`, or why not: DynamoDB Local's own class (the next one of this name on the class path, loaded apart)
   * must have no public method this one lacks, or a call to it would fail. Called by the launcher at its start.
   */
  public static String fangpinStatus() {
    String name = DynamoDbExpressionParser.class.getName().replace('.', '/') + ".class";
    try {
      List<URL> found = Collections.list(DynamoDbExpressionParser.class.getClassLoader().getResources(name));
      if (found.size() < 2) return "not cached: DynamoDB Local's own " + name + " was not found behind the cache's";
      String jar = found.get(1).toString();
      if (!jar.startsWith("jar:") || !jar.contains("!/")) return "not cached: DynamoDB Local's parser is not in a jar: " + jar;
      URL jarUrl = new URL(jar.substring(4, jar.indexOf("!/")));
      try (URLClassLoader apart = new URLClassLoader(new URL[] {jarUrl}, ClassLoader.getPlatformClassLoader())) {
        Set<String> missing = publicMethods(Class.forName(DynamoDbExpressionParser.class.getName(), false, apart));
        missing.removeAll(publicMethods(DynamoDbExpressionParser.class));
        return missing.isEmpty() ? "cached" : "not cached: DynamoDB Local's parser has methods the cache lacks: " + missing;
      }
    } catch (Throwable e) {
      return "not cached: " + e;
    }
  }

  private static Set<String> publicMethods(Class<?> c) {
    Set<String> out = new TreeSet<>();
    for (Method m : c.getDeclaredMethods()) {
      if (!Modifier.isPublic(m.getModifiers())) continue;
      List<String> params = new ArrayList<>();
      for (Class<?> p : m.getParameterTypes()) params.add(p.getName());
      out.add(m.getReturnType().getName() + " " + m.getName() + params);
    }
    out.remove("java.lang.String fangpinStatus[]");
    return out;
  }
}
