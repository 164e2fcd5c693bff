import { CompiledQuery, type Compilable, type Kysely } from 'kysely';

/** Stands for an argument while a statement is built: compiled, it becomes a parameter (`$n`) naming the argument. */
class ArgumentPlaceholder {
  constructor(readonly name: string) {}
}

/** Runs one SQL statement with its parameters and resolves with the rows it returned. */
export type StatementRunner = <Row>(sql: string, parameters: readonly unknown[]) => Promise<Row[]>;

/** The runner of a Kysely instance (a pool, or a transaction): what every statement falls back to. */
export const kyselyRunner =
  <DB>(db: Kysely<DB>): StatementRunner =>
  async <Row>(sql: string, parameters: readonly unknown[]) =>
    (await db.executeQuery<Row>(CompiledQuery.raw(sql, [...parameters]))).rows;

/**
 * A statement built with Kysely and compiled once: each call only puts its arguments where the placeholders
 * were. Building and compiling the same query on every request costs more than running it.
 */
export interface CompiledStatement<Args> {
  readonly sql: string;
  parametersOf(args: Args): unknown[];
}

/**
 * Compiles the query `build` makes from placeholder arguments. `build` must only place its arguments in the
 * query (as values), never look at them or compute with them: what it computes is compiled once, for all calls.
 */
export function compileStatement<Args extends object>(build: (args: Args) => Compilable): CompiledStatement<Args> {
  const placeholders = new Proxy({} as Args, {
    get: (_target, name) => (typeof name === 'string' ? new ArgumentPlaceholder(name) : undefined),
  });
  const { sql, parameters } = build(placeholders).compile();
  const sources = parameters.map((value) => (value instanceof ArgumentPlaceholder ? value.name : null));
  const constants = [...parameters];
  return {
    sql,
    parametersOf: (args) => sources.map((name, index) => (name === null ? constants[index] : (args as Record<string, unknown>)[name])),
  };
}

/** Statements compiled per shape (which optional parts a query has), kept up to `capacity` shapes. */
export class StatementCache<Args> {
  readonly #statements = new Map<string, CompiledStatement<Args>>();
  readonly #capacity: number;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  get(shape: string, build: () => CompiledStatement<Args>): CompiledStatement<Args> {
    let statement = this.#statements.get(shape);
    if (statement === undefined) {
      statement = build();
      if (this.#statements.size >= this.#capacity) this.#statements.delete(this.#statements.keys().next().value!);
      this.#statements.set(shape, statement);
    }
    return statement;
  }
}
