// The `.nn` grammar as a Chevrotain CstParser. No semantics here: the CST is turned into the AST by
// compiler/ast/build.ts. Error recovery is on so that one mistake yields one diagnostic and the rest
// of the file is still parsed (the editor depends on it).
import { CstParser, type CstNode, type ILexingResult, type IRecognitionException, type IToken } from 'chevrotain';
import * as T from './tokens.js';

export class NnParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  public file = this.RULE('file', () => {
    this.MANY(() => this.SUBRULE(this.declaration));
  });

  private declaration = this.RULE('declaration', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.modelDecl) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.dataDecl) },
      { ALT: () => this.SUBRULE(this.trainDecl) },
    ]);
  });

  // model Name { statements }
  private modelDecl = this.RULE('modelDecl', () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.modelStatement));
    this.CONSUME(T.RCurly);
  });

  // block Name(param: type = default, ...) { statements }: a reusable, parameterised piece of a model.
  private blockDecl = this.RULE('blockDecl', () => {
    this.CONSUME(T.Block);
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.blockParam) });
      this.CONSUME(T.RParen);
    });
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.modelStatement));
    this.CONSUME(T.RCurly);
  });

  // filters: int = 16
  private blockParam = this.RULE('blockParam', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.CONSUME2(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.Equals);
      this.SUBRULE(this.expression);
    });
  });

  private modelStatement = this.RULE('modelStatement', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.inputStatement) },
      { ALT: () => this.SUBRULE(this.outputStatement) },
      { ALT: () => this.SUBRULE(this.letStatement) },
      { ALT: () => this.SUBRULE(this.layerStatement) },
      { ALT: () => this.SUBRULE(this.repeatStatement) },
      { ALT: () => this.SUBRULE(this.expression) },
    ]);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  // layer shared = dense(8): a layer instance whose weights every use shares.
  private layerStatement = this.RULE('layerStatement', () => {
    this.CONSUME(T.LayerKw);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  // repeat 3 { statements }
  private repeatStatement = this.RULE('repeatStatement', () => {
    this.CONSUME(T.Repeat);
    this.CONSUME(T.NumberLiteral);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.modelStatement));
    this.CONSUME(T.RCurly);
  });

  // input x: [batch, 2]
  private inputStatement = this.RULE('inputStatement', () => {
    this.CONSUME(T.Input);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.tensorType);
  });

  // output y: [batch, 1]   or   output expression
  private outputStatement = this.RULE('outputStatement', () => {
    this.CONSUME(T.Output);
    this.SUBRULE(this.expression);
    this.OPTION(() => {
      this.CONSUME(T.Colon);
      this.SUBRULE(this.tensorType);
    });
  });

  // let h = x |> dense(4)
  private letStatement = this.RULE('letStatement', () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expression);
  });

  private tensorType = this.RULE('tensorType', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.additive) });
    this.CONSUME(T.RBracket);
  });

  // data name = table { header; rows }   or   data name = csv("f.csv", …) |> one_hot(3)
  private dataDecl = this.RULE('dataDecl', () => {
    this.CONSUME(T.Data);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.OR([{ ALT: () => this.SUBRULE(this.tableLiteral) }, { ALT: () => this.SUBRULE(this.expression) }]);
  });

  private tableLiteral = this.RULE('tableLiteral', () => {
    this.CONSUME(T.Table);
    this.CONSUME(T.LCurly);
    this.SUBRULE(this.tableHeader);
    this.MANY(() => this.SUBRULE(this.tableRow));
    this.CONSUME(T.RCurly);
  });

  private tableHeader = this.RULE('tableHeader', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME(T.Identifier) });
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.CONSUME2(T.Identifier) });
    });
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  private tableRow = this.RULE('tableRow', () => {
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.signedNumber) });
    this.OPTION(() => {
      this.CONSUME(T.Arrow);
      this.AT_LEAST_ONE_SEP2({ SEP: T.Comma, DEF: () => this.SUBRULE2(this.signedNumber) });
    });
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  private signedNumber = this.RULE('signedNumber', () => {
    this.OPTION(() => this.CONSUME(T.Minus));
    this.CONSUME(T.NumberLiteral);
  });

  // train Model on data { key: value ... }
  // train G, D on data { step name: minimize <loss> over D with adam(…)  key: value ... }
  private trainDecl = this.RULE('trainDecl', () => {
    this.CONSUME(T.Train);
    this.CONSUME(T.Identifier);
    this.MANY(() => {
      this.CONSUME(T.Comma);
      this.CONSUME3(T.Identifier);
    });
    this.CONSUME(T.On);
    this.CONSUME2(T.Identifier);
    this.CONSUME(T.LCurly);
    this.MANY2(() => this.OR([{ ALT: () => this.SUBRULE(this.trainStep) }, { ALT: () => this.SUBRULE(this.property) }]));
    this.CONSUME(T.RCurly);
  });

  // step name: minimize <expression> over Model, Model with <optimizer>. `step`, `minimize`,
  // `over` and `with` are ordinary names here (`step` is also an activation), checked in the AST.
  private trainStep = this.RULE('trainStep', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME2(T.Identifier);
    this.CONSUME(T.Colon);
    this.CONSUME3(T.Identifier);
    this.SUBRULE(this.expression);
    this.CONSUME4(T.Identifier);
    this.AT_LEAST_ONE_SEP({ SEP: T.Comma, DEF: () => this.CONSUME5(T.Identifier) });
    // Without the gate, the name that starts the next line would be read as `with`.
    this.OPTION({
      GATE: () => this.LA(1).image === 'with',
      DEF: () => {
        this.CONSUME6(T.Identifier);
        this.SUBRULE2(this.expression);
      },
    });
    this.OPTION2(() => this.CONSUME(T.Semicolon));
  });

  private property = this.RULE('property', () => {
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Colon);
    this.SUBRULE(this.expression);
    this.OPTION(() => this.CONSUME(T.Semicolon));
  });

  // Expressions, lowest precedence first: pipe, + -, * /, unary minus, primary.
  private expression = this.RULE('expression', () => {
    this.SUBRULE(this.additive);
    this.MANY(() => {
      this.CONSUME(T.Pipe);
      this.SUBRULE2(this.additive);
    });
  });

  private additive = this.RULE('additive', () => {
    this.SUBRULE(this.multiplicative);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus) }, { ALT: () => this.CONSUME(T.Minus) }]);
      this.SUBRULE2(this.multiplicative);
    });
  });

  private multiplicative = this.RULE('multiplicative', () => {
    this.SUBRULE(this.unary);
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star) }, { ALT: () => this.CONSUME(T.Slash) }]);
      this.SUBRULE2(this.unary);
    });
  });

  private unary = this.RULE('unary', () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.primary) },
    ]);
  });

  private primary = this.RULE('primary', () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.SUBRULE(this.callOrName) },
      { ALT: () => this.SUBRULE(this.listLiteral) },
      { ALT: () => this.SUBRULE(this.parenthesized) },
    ]);
  });

  private callOrName = this.RULE('callOrName', () => {
    this.CONSUME(T.Identifier);
    this.OPTION(() => {
      this.CONSUME(T.LParen);
      this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.argument) });
      this.CONSUME(T.RParen);
    });
  });

  // A named argument `units: 4` or a positional one `4`.
  private argument = this.RULE('argument', () => {
    this.OPTION({
      GATE: () => this.LA(2).tokenType === T.Colon,
      DEF: () => {
        this.CONSUME(T.Identifier);
        this.CONSUME(T.Colon);
      },
    });
    this.SUBRULE(this.expression);
  });

  private listLiteral = this.RULE('listLiteral', () => {
    this.CONSUME(T.LBracket);
    this.MANY_SEP({ SEP: T.Comma, DEF: () => this.SUBRULE(this.expression) });
    this.CONSUME(T.RBracket);
  });

  private parenthesized = this.RULE('parenthesized', () => {
    this.CONSUME(T.LParen);
    this.SUBRULE(this.expression);
    this.CONSUME(T.RParen);
  });
}

/** One parser instance is reused: Chevrotain parsers are built once and reset per input. */
export const nnParser = new NnParser();

export interface ParseResult {
  cst: CstNode;
  tokens: IToken[];
  comments: IToken[];
  lexErrors: { offset: number; length: number; line: number | undefined; column: number | undefined; message: string }[];
  parseErrors: IRecognitionException[];
}

export function lex(source: string): ILexingResult {
  return T.nnLexer.tokenize(source);
}

export function parseSource(source: string): ParseResult {
  return parseTokens(lex(source));
}

/** Parses an already lexed file (callers that inspect tokens first avoid lexing twice). */
export function parseTokens(lexed: ILexingResult): ParseResult {
  nnParser.input = lexed.tokens;
  const cst = nnParser.file();
  return {
    cst,
    tokens: lexed.tokens,
    comments: (lexed.groups['comments'] ?? []) as IToken[],
    lexErrors: lexed.errors,
    parseErrors: [...nnParser.errors],
  };
}
