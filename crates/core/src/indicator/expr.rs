//! The indicator expression language: text → tokens → AST ([`Expr`]).
//!
//! ```text
//! expr    := term (("+" | "-") term)*
//! term    := unary (("*" | "×" | "/" | "÷") unary)*
//! unary   := "-" unary | postfix
//! postfix := primary ("[" offset "]")*          offset: a signed integer, periods (`[-1]`) or years (`[-1y]`)
//! primary := number | element | func "(" expr ")" | "(" expr ")"
//! func    := yoy | cum | ytd
//! ```
//!
//! * an *element* is a data-element id (`rd_expenditure`); its value is aggregated over the org-unit subtree
//!   and over the evaluation window before any arithmetic (DHIS2's rule: aggregate, then divide);
//! * `yoy(e)` is year-on-year growth in percent: `(e / e one year earlier − 1) × 100`;
//! * `cum(e)` evaluates `e` over the window from the start of the plan period to the end of the period asked;
//! * `ytd(e)` evaluates `e` from the start of the period's year (累计, the Chinese statistical convention);
//! * `e[-1]` evaluates `e` one period (of the same length) earlier, `e[-1y]` one year earlier.
//!
//! The module parses and prints; [`super::eval`] evaluates.

use std::fmt;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use crate::plan::DataElementId;

/// A parsed indicator expression, with the text it was parsed from.
#[derive(Debug, Clone)]
pub struct Expr {
    source: String,
    root: Node,
}

impl PartialEq for Expr {
    fn eq(&self, other: &Self) -> bool {
        self.root == other.root
    }
}

/// A node of the expression tree.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A literal number.
    Number(Decimal),
    /// A data element, aggregated over the window and org-unit subtree.
    Element(DataElementId),
    /// `-e`
    Neg(Box<Node>),
    /// `a op b`
    Binary {
        /// The operator.
        op: BinOp,
        /// Left operand.
        lhs: Box<Node>,
        /// Right operand.
        rhs: Box<Node>,
    },
    /// `f(e)`
    Call {
        /// The function.
        func: Function,
        /// Its argument.
        arg: Box<Node>,
    },
    /// `e[n]` or `e[ny]`: the expression evaluated at a shifted period.
    Offset {
        /// What is shifted.
        inner: Box<Node>,
        /// By how much.
        shift: Shift,
    },
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
}

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Function {
    /// 同比增速 (%): `(e / e one year earlier − 1) × 100`.
    Yoy,
    /// 累计 over the plan period (plan start → end of the period asked).
    Cum,
    /// 年初至今 (year to date).
    Ytd,
}

impl Function {
    fn name(self) -> &'static str {
        match self {
            Function::Yoy => "yoy",
            Function::Cum => "cum",
            Function::Ytd => "ytd",
        }
    }
}

/// A period shift in `e[...]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shift {
    /// By `n` periods of the evaluated period's own length.
    Periods(i32),
    /// By `n` years.
    Years(i32),
}

/// Why an expression text does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "表达式第{position}个字符处错误 / expression error at character {position}: {reason_zh} / {reason_en}"
)]
pub struct ExprError {
    /// 1-based character position in the expression text.
    pub position: usize,
    /// Reason, Chinese.
    pub reason_zh: String,
    /// Reason, English.
    pub reason_en: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Num(Decimal),
    Ident(String),
    Op(char),
}

fn err(position: usize, zh: impl Into<String>, en: impl Into<String>) -> ExprError {
    ExprError {
        position,
        reason_zh: zh.into(),
        reason_en: en.into(),
    }
}

fn tokenize(text: &str) -> Result<Vec<(usize, Tok)>, ExprError> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let pos = i + 1;
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_digit() || (c == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)) {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_digit() || chars[i] == '.') {
                i += 1;
            }
            let lit: String = chars[start..i].iter().collect();
            let n = lit
                .parse::<Decimal>()
                .map_err(|_| err(pos, format!("数字 {lit} 无效"), format!("bad number {lit}")))?;
            out.push((pos, Tok::Num(n)));
        } else if c.is_ascii_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            out.push((pos, Tok::Ident(chars[start..i].iter().collect())));
        } else {
            let op = match c {
                '×' => '*',
                '÷' => '/',
                '（' => '(',
                '）' => ')',
                '+' | '-' | '*' | '/' | '(' | ')' | '[' | ']' => c,
                _ => {
                    return Err(err(
                        pos,
                        format!("不认识的字符 {c:?}"),
                        format!("unexpected character {c:?}"),
                    ));
                }
            };
            out.push((pos, Tok::Op(op)));
            i += 1;
        }
    }
    Ok(out)
}

/// How deeply parentheses, unary minus signs and function calls may nest. The parser and every walk over the
/// tree (evaluation, listing elements, printing, dropping) recurse once per level; real indicator expressions
/// nest two or three levels, and a hostile one must be an error, not a stack overflow.
pub const MAX_NESTING: usize = 64;

/// How many tokens an expression may have: a chain of binary operators is a tree as deep as it is long, so this
/// bounds the depth of the walks over it too. A plan's expressions are one line each.
pub const MAX_TOKENS: usize = 1024;

fn nested_too_deeply(position: usize) -> ExprError {
    err(
        position,
        format!("表达式嵌套过深(括号、负号和函数最多 {MAX_NESTING} 层)"),
        format!(
            "expression nested too deeply (at most {MAX_NESTING} levels of parentheses, minus signs and functions)"
        ),
    )
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    at: usize,
    end: usize,
    depth: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.at).map(|(_, t)| t)
    }
    fn pos(&self) -> usize {
        self.toks.get(self.at).map_or(self.end, |(p, _)| *p)
    }
    fn eat(&mut self, op: char) -> bool {
        if self.peek() == Some(&Tok::Op(op)) {
            self.at += 1;
            true
        } else {
            false
        }
    }
    fn expect(&mut self, op: char) -> Result<(), ExprError> {
        if self.eat(op) {
            Ok(())
        } else {
            Err(err(
                self.pos(),
                format!("此处应为 {op}"),
                format!("expected `{op}`"),
            ))
        }
    }

    /// Enters one level of nesting at the current token, or refuses beyond [`MAX_NESTING`].
    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(nested_too_deeply(self.pos()));
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.term()?;
        loop {
            let op = if self.eat('+') {
                BinOp::Add
            } else if self.eat('-') {
                BinOp::Sub
            } else {
                return Ok(lhs);
            };
            let rhs = self.term()?;
            lhs = Node::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
        }
    }

    fn term(&mut self) -> Result<Node, ExprError> {
        let mut lhs = self.unary()?;
        loop {
            let op = if self.eat('*') {
                BinOp::Mul
            } else if self.eat('/') {
                BinOp::Div
            } else {
                return Ok(lhs);
            };
            let rhs = self.unary()?;
            lhs = Node::Binary {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
            };
        }
    }

    fn unary(&mut self) -> Result<Node, ExprError> {
        if self.eat('-') {
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Node::Neg(Box::new(inner)));
        }
        let mut node = self.primary()?;
        while self.eat('[') {
            let pos = self.pos();
            let negative = self.eat('-');
            if !negative {
                self.eat('+');
            }
            let (n, years) = match self.toks.get(self.at).map(|(_, t)| t.clone()) {
                Some(Tok::Num(n)) if n.fract().is_zero() => {
                    self.at += 1;
                    let years = match self.peek() {
                        Some(Tok::Ident(s)) if s == "y" => {
                            self.at += 1;
                            true
                        }
                        _ => false,
                    };
                    (n, years)
                }
                // `1y` tokenizes as the number 1 followed by `y`; anything else is wrong here.
                _ => {
                    return Err(err(
                        pos,
                        "期间偏移应为整数,如 [-1] 或 [-1y]",
                        "a period offset is an integer, e.g. [-1] or [-1y]",
                    ));
                }
            };
            let n: i32 = n
                .to_string()
                .parse()
                .map_err(|_| err(pos, "期间偏移过大", "period offset too large"))?;
            let n = if negative { -n } else { n };
            self.expect(']')?;
            let shift = if years { Shift::Years(n) } else { Shift::Periods(n) };
            node = Node::Offset {
                inner: Box::new(node),
                shift,
            };
        }
        Ok(node)
    }

    fn primary(&mut self) -> Result<Node, ExprError> {
        let pos = self.pos();
        match self.toks.get(self.at).map(|(_, t)| t.clone()) {
            Some(Tok::Num(n)) => {
                self.at += 1;
                Ok(Node::Number(n))
            }
            Some(Tok::Op('(')) => {
                self.at += 1;
                self.enter()?;
                let inner = self.expr()?;
                self.expect(')')?;
                self.depth -= 1;
                Ok(inner)
            }
            Some(Tok::Ident(name)) => {
                self.at += 1;
                if self.eat('(') {
                    let func = match name.as_str() {
                        "yoy" => Function::Yoy,
                        "cum" => Function::Cum,
                        "ytd" => Function::Ytd,
                        _ => {
                            return Err(err(
                                pos,
                                format!("未知函数 {name}(可用 yoy、cum、ytd)"),
                                format!("unknown function {name} (known: yoy, cum, ytd)"),
                            ));
                        }
                    };
                    self.enter()?;
                    let arg = self.expr()?;
                    self.expect(')')?;
                    self.depth -= 1;
                    Ok(Node::Call {
                        func,
                        arg: Box::new(arg),
                    })
                } else {
                    let id = DataElementId::parse(&name).map_err(|_| {
                        err(
                            pos,
                            format!("数据项标识 {name} 应为小写字母、数字和下划线"),
                            format!("data element id {name} must be lower_snake_case"),
                        )
                    })?;
                    Ok(Node::Element(id))
                }
            }
            Some(Tok::Op(c)) => Err(err(pos, format!("此处不应有 {c}"), format!("unexpected `{c}`"))),
            None => Err(err(pos, "表达式不完整", "expression ends too early")),
        }
    }
}

impl Expr {
    /// Parses an expression.
    pub fn parse(text: &str) -> Result<Expr, ExprError> {
        let toks = tokenize(text)?;
        if let Some((pos, _)) = toks.get(MAX_TOKENS) {
            // Say "too deep" when it is (the parser would have said so), else "too long"; the tree is never
            // built, so nothing recurses over it.
            let (mut parens, mut minus, mut after_operand) = (0usize, 0usize, false);
            for (p, t) in &toks {
                match t {
                    Tok::Op('(') => (parens, after_operand) = (parens + 1, false),
                    Tok::Op(')') => (parens, after_operand) = (parens.saturating_sub(1), true),
                    Tok::Op('-') if !after_operand => minus += 1,
                    Tok::Op(_) => (minus, after_operand) = (0, false),
                    Tok::Num(_) | Tok::Ident(_) => (minus, after_operand) = (0, true),
                }
                if parens + minus > MAX_NESTING {
                    return Err(nested_too_deeply(*p));
                }
            }
            return Err(err(
                *pos,
                format!("表达式过长(最多 {MAX_TOKENS} 个数、名称和运算符)"),
                format!("expression too long (at most {MAX_TOKENS} numbers, names and operators)"),
            ));
        }
        let mut p = Parser {
            toks,
            at: 0,
            end: text.chars().count() + 1,
            depth: 0,
        };
        if p.toks.is_empty() {
            return Err(err(1, "表达式为空", "empty expression"));
        }
        let root = p.expr()?;
        if p.at < p.toks.len() {
            return Err(err(
                p.pos(),
                "表达式后有多余内容",
                "unexpected text after the expression",
            ));
        }
        Ok(Expr {
            source: text.trim().to_string(),
            root,
        })
    }

    /// The text it was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The tree.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// Every data element it reads, in order of first appearance, without repeats.
    pub fn elements(&self) -> Vec<&DataElementId> {
        fn walk<'a>(n: &'a Node, out: &mut Vec<&'a DataElementId>) {
            match n {
                Node::Number(_) => {}
                Node::Element(id) => {
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
                Node::Neg(a) => walk(a, out),
                Node::Binary { lhs, rhs, .. } => {
                    walk(lhs, out);
                    walk(rhs, out);
                }
                Node::Call { arg, .. } => walk(arg, out),
                Node::Offset { inner, .. } => walk(inner, out),
            }
        }
        let mut out = Vec::new();
        walk(&self.root, &mut out);
        out
    }
}

impl fmt::Display for Node {
    /// Fully parenthesised canonical form (used by tests to check precedence).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Number(n) => write!(f, "{n}"),
            Node::Element(id) => write!(f, "{id}"),
            Node::Neg(a) => write!(f, "(-{a})"),
            Node::Binary { op, lhs, rhs } => {
                let c = match op {
                    BinOp::Add => '+',
                    BinOp::Sub => '-',
                    BinOp::Mul => '*',
                    BinOp::Div => '/',
                };
                write!(f, "({lhs} {c} {rhs})")
            }
            Node::Call { func, arg } => write!(f, "{}({arg})", func.name()),
            Node::Offset { inner, shift } => match shift {
                Shift::Periods(n) => write!(f, "{inner}[{n}]"),
                Shift::Years(n) => write!(f, "{inner}[{n}y]"),
            },
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

impl Serialize for Expr {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.source)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn canon(s: &str) -> String {
        Expr::parse(s).unwrap().root().to_string()
    }

    #[test]
    fn precedence_and_associativity_follow_arithmetic() {
        assert_eq!(
            canon("rd_expenditure / gdp * 100"),
            "((rd_expenditure / gdp) * 100)"
        );
        assert_eq!(canon("a + b * c"), "(a + (b * c))");
        assert_eq!(canon("a - b - c"), "((a - b) - c)");
        assert_eq!(canon("(a + b) / c"), "((a + b) / c)");
        assert_eq!(canon("-a * b"), "((-a) * b)");
        assert_eq!(canon("a × 100 ÷ b"), "((a * 100) / b)");
    }

    #[test]
    fn functions_and_offsets_parse() {
        assert_eq!(canon("yoy(ytd(x))"), "yoy(ytd(x))");
        assert_eq!(canon("cum(talents_introduced)"), "cum(talents_introduced)");
        assert_eq!(canon("x[-1]"), "x[-1]");
        assert_eq!(canon("x[-1y] + x[+2]"), "(x[-1y] + x[2])");
        assert_eq!(canon("(a / b)[-4]"), "(a / b)[-4]");
        assert_eq!(canon("0.5 * x"), "(0.5 * x)");
    }

    #[test]
    fn elements_are_listed_once_in_order() {
        let e = Expr::parse("a / (b + a) * c[-1]").unwrap();
        let names: Vec<_> = e.elements().iter().map(|i| i.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        for text in [
            format!("{}x{}", "(".repeat(10_000), ")".repeat(10_000)),
            format!("{}x", "-".repeat(30_000)),
            format!("{}x{}", "yoy(".repeat(30_000), ")".repeat(30_000)),
        ] {
            let e = Expr::parse(&text).unwrap_err();
            assert!(e.reason_en.contains("nested too deeply"), "{e}");
            assert!(e.reason_zh.contains("嵌套过深"), "{e}");
        }
        let long = vec!["x"; 5000].join(" + ");
        assert!(Expr::parse(&long).unwrap_err().reason_en.contains("too long"));
        // Within the limits all is well.
        let ok = format!("{}x{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        assert_eq!(Expr::parse(&ok).unwrap().elements().len(), 1);
        assert!(Expr::parse(&format!("{}x", "-".repeat(MAX_NESTING + 1))).is_err());
    }

    #[test]
    fn errors_point_at_the_character() {
        let e = Expr::parse("a / ").unwrap_err();
        assert_eq!(e.position, 5);
        let e = Expr::parse("a $ b").unwrap_err();
        assert_eq!(e.position, 3);
        assert!(e.to_string().contains("unexpected character"));
        let e = Expr::parse("foo(a)").unwrap_err();
        assert!(e.reason_en.contains("unknown function foo"));
        let e = Expr::parse("a[1.5]").unwrap_err();
        assert!(e.reason_en.contains("integer"));
        assert!(Expr::parse("(a + b").is_err());
        assert!(Expr::parse("a b").is_err());
        assert!(Expr::parse("").is_err());
        assert!(Expr::parse("GDP").is_err());
    }
}
