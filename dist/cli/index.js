#!/usr/bin/env node
import { createRequire as __WEBPACK_EXTERNAL_createRequire } from "module";
/******/ var __webpack_modules__ = ({

/***/ 181:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("buffer");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("process");

/***/ }),

/***/ 7349:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveBlockMap = __nccwpck_require__(7103);
var resolveBlockSeq = __nccwpck_require__(334);
var resolveFlowCollection = __nccwpck_require__(3142);

function resolveCollection(CN, ctx, token, onError, tagName, tag) {
    const coll = token.type === 'block-map'
        ? resolveBlockMap.resolveBlockMap(CN, ctx, token, onError, tag)
        : token.type === 'block-seq'
            ? resolveBlockSeq.resolveBlockSeq(CN, ctx, token, onError, tag)
            : resolveFlowCollection.resolveFlowCollection(CN, ctx, token, onError, tag);
    const Coll = coll.constructor;
    // If we got a tagName matching the class, or the tag name is '!',
    // then use the tagName from the node class used to create it.
    if (tagName === '!' || tagName === Coll.tagName) {
        coll.tag = Coll.tagName;
        return coll;
    }
    if (tagName)
        coll.tag = tagName;
    return coll;
}
function composeCollection(CN, ctx, token, props, onError) {
    const tagToken = props.tag;
    const tagName = !tagToken
        ? null
        : ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg));
    if (token.type === 'block-seq') {
        const { anchor, newlineAfterProp: nl } = props;
        const lastProp = anchor && tagToken
            ? anchor.offset > tagToken.offset
                ? anchor
                : tagToken
            : (anchor ?? tagToken);
        if (lastProp && (!nl || nl.offset < lastProp.offset)) {
            const message = 'Missing newline after block sequence props';
            onError(lastProp, 'MISSING_CHAR', message);
        }
    }
    const expType = token.type === 'block-map'
        ? 'map'
        : token.type === 'block-seq'
            ? 'seq'
            : token.start.source === '{'
                ? 'map'
                : 'seq';
    // shortcut: check if it's a generic YAMLMap or YAMLSeq
    // before jumping into the custom tag logic.
    if (!tagToken ||
        !tagName ||
        tagName === '!' ||
        (tagName === YAMLMap.YAMLMap.tagName && expType === 'map') ||
        (tagName === YAMLSeq.YAMLSeq.tagName && expType === 'seq')) {
        return resolveCollection(CN, ctx, token, onError, tagName);
    }
    let tag = ctx.schema.tags.find(t => t.tag === tagName && t.collection === expType);
    if (!tag) {
        const kt = ctx.schema.knownTags[tagName];
        if (kt?.collection === expType) {
            ctx.schema.tags.push(Object.assign({}, kt, { default: false }));
            tag = kt;
        }
        else {
            if (kt) {
                onError(tagToken, 'BAD_COLLECTION_TYPE', `${kt.tag} used for ${expType} collection, but expects ${kt.collection ?? 'scalar'}`, true);
            }
            else {
                onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, true);
            }
            return resolveCollection(CN, ctx, token, onError, tagName);
        }
    }
    const coll = resolveCollection(CN, ctx, token, onError, tagName, tag);
    const res = tag.resolve?.(coll, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg), ctx.options) ?? coll;
    const node = identity.isNode(res)
        ? res
        : new Scalar.Scalar(res);
    node.range = coll.range;
    node.tag = tagName;
    if (tag?.format)
        node.format = tag.format;
    return node;
}

exports.composeCollection = composeCollection;


/***/ }),

/***/ 3683:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Document = __nccwpck_require__(3021);
var composeNode = __nccwpck_require__(5937);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);

function composeDoc(options, directives, { offset, start, value, end }, onError) {
    const opts = Object.assign({ _directives: directives }, options);
    const doc = new Document.Document(undefined, opts);
    const ctx = {
        atKey: false,
        atRoot: true,
        directives: doc.directives,
        options: doc.options,
        schema: doc.schema
    };
    const props = resolveProps.resolveProps(start, {
        indicator: 'doc-start',
        next: value ?? end?.[0],
        offset,
        onError,
        parentIndent: 0,
        startOnNewline: true
    });
    if (props.found) {
        doc.directives.docStart = true;
        if (value &&
            (value.type === 'block-map' || value.type === 'block-seq') &&
            !props.hasNewline)
            onError(props.end, 'MISSING_CHAR', 'Block collection cannot start on same line with directives-end marker');
    }
    // @ts-expect-error If Contents is set, let's trust the user
    doc.contents = value
        ? composeNode.composeNode(ctx, value, props, onError)
        : composeNode.composeEmptyNode(ctx, props.end, start, null, props, onError);
    const contentEnd = doc.contents.range[2];
    const re = resolveEnd.resolveEnd(end, contentEnd, false, onError);
    if (re.comment)
        doc.comment = re.comment;
    doc.range = [offset, contentEnd, re.offset];
    return doc;
}

exports.composeDoc = composeDoc;


/***/ }),

/***/ 5937:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var composeCollection = __nccwpck_require__(7349);
var composeScalar = __nccwpck_require__(5413);
var resolveEnd = __nccwpck_require__(7788);
var utilEmptyScalarPosition = __nccwpck_require__(2599);

const CN = { composeNode, composeEmptyNode };
function composeNode(ctx, token, props, onError) {
    const atKey = ctx.atKey;
    const { spaceBefore, comment, anchor, tag } = props;
    let node;
    let isSrcToken = true;
    switch (token.type) {
        case 'alias':
            node = composeAlias(ctx, token, onError);
            if (anchor || tag)
                onError(token, 'ALIAS_PROPS', 'An alias node must not specify any properties');
            break;
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'block-scalar':
            node = composeScalar.composeScalar(ctx, token, tag, onError);
            if (anchor)
                node.anchor = anchor.source.substring(1);
            break;
        case 'block-map':
        case 'block-seq':
        case 'flow-collection':
            try {
                node = composeCollection.composeCollection(CN, ctx, token, props, onError);
                if (anchor)
                    node.anchor = anchor.source.substring(1);
            }
            catch (error) {
                // Almost certainly here due to a stack overflow
                const message = error instanceof Error ? error.message : String(error);
                onError(token, 'RESOURCE_EXHAUSTION', message);
            }
            break;
        default: {
            const message = token.type === 'error'
                ? token.message
                : `Unsupported token (type: ${token.type})`;
            onError(token, 'UNEXPECTED_TOKEN', message);
            isSrcToken = false;
        }
    }
    node ?? (node = composeEmptyNode(ctx, token.offset, undefined, null, props, onError));
    if (anchor && node.anchor === '')
        onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    if (atKey &&
        ctx.options.stringKeys &&
        (!identity.isScalar(node) ||
            typeof node.value !== 'string' ||
            (node.tag && node.tag !== 'tag:yaml.org,2002:str'))) {
        const msg = 'With stringKeys, all keys must be strings';
        onError(tag ?? token, 'NON_STRING_KEY', msg);
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        if (token.type === 'scalar' && token.source === '')
            node.comment = comment;
        else
            node.commentBefore = comment;
    }
    // @ts-expect-error Type checking misses meaning of isSrcToken
    if (ctx.options.keepSourceTokens && isSrcToken)
        node.srcToken = token;
    return node;
}
function composeEmptyNode(ctx, offset, before, pos, { spaceBefore, comment, anchor, tag, end }, onError) {
    const token = {
        type: 'scalar',
        offset: utilEmptyScalarPosition.emptyScalarPosition(offset, before, pos),
        indent: -1,
        source: ''
    };
    const node = composeScalar.composeScalar(ctx, token, tag, onError);
    if (anchor) {
        node.anchor = anchor.source.substring(1);
        if (node.anchor === '')
            onError(anchor, 'BAD_ALIAS', 'Anchor cannot be an empty string');
    }
    if (spaceBefore)
        node.spaceBefore = true;
    if (comment) {
        node.comment = comment;
        node.range[2] = end;
    }
    return node;
}
function composeAlias({ options }, { offset, source, end }, onError) {
    const alias = new Alias.Alias(source.substring(1));
    if (alias.source === '')
        onError(offset, 'BAD_ALIAS', 'Alias cannot be an empty string');
    if (alias.source.endsWith(':'))
        onError(offset + source.length - 1, 'BAD_ALIAS', 'Alias ending in : is ambiguous', true);
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, options.strict, onError);
    alias.range = [offset, valueEnd, re.offset];
    if (re.comment)
        alias.comment = re.comment;
    return alias;
}

exports.composeEmptyNode = composeEmptyNode;
exports.composeNode = composeNode;


/***/ }),

/***/ 5413:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);

function composeScalar(ctx, token, tagToken, onError) {
    const { value, type, comment, range } = token.type === 'block-scalar'
        ? resolveBlockScalar.resolveBlockScalar(ctx, token, onError)
        : resolveFlowScalar.resolveFlowScalar(token, ctx.options.strict, onError);
    const tagName = tagToken
        ? ctx.directives.tagName(tagToken.source, msg => onError(tagToken, 'TAG_RESOLVE_FAILED', msg))
        : null;
    let tag;
    if (ctx.options.stringKeys && ctx.atKey) {
        tag = ctx.schema[identity.SCALAR];
    }
    else if (tagName)
        tag = findScalarTagByName(ctx.schema, value, tagName, tagToken, onError);
    else if (token.type === 'scalar')
        tag = findScalarTagByTest(ctx, value, token, onError);
    else
        tag = ctx.schema[identity.SCALAR];
    let scalar;
    try {
        const res = tag.resolve(value, msg => onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg), ctx.options);
        scalar = identity.isScalar(res) ? res : new Scalar.Scalar(res);
    }
    catch (error) {
        const msg = error instanceof Error ? error.message : String(error);
        onError(tagToken ?? token, 'TAG_RESOLVE_FAILED', msg);
        scalar = new Scalar.Scalar(value);
    }
    scalar.range = range;
    scalar.source = value;
    if (type)
        scalar.type = type;
    if (tagName)
        scalar.tag = tagName;
    if (tag.format)
        scalar.format = tag.format;
    if (comment)
        scalar.comment = comment;
    return scalar;
}
function findScalarTagByName(schema, value, tagName, tagToken, onError) {
    if (tagName === '!')
        return schema[identity.SCALAR]; // non-specific tag
    const matchWithTest = [];
    for (const tag of schema.tags) {
        if (!tag.collection && tag.tag === tagName) {
            if (tag.default && tag.test)
                matchWithTest.push(tag);
            else
                return tag;
        }
    }
    for (const tag of matchWithTest)
        if (tag.test?.test(value))
            return tag;
    const kt = schema.knownTags[tagName];
    if (kt && !kt.collection) {
        // Ensure that the known tag is available for stringifying,
        // but does not get used by default.
        schema.tags.push(Object.assign({}, kt, { default: false, test: undefined }));
        return kt;
    }
    onError(tagToken, 'TAG_RESOLVE_FAILED', `Unresolved tag: ${tagName}`, tagName !== 'tag:yaml.org,2002:str');
    return schema[identity.SCALAR];
}
function findScalarTagByTest({ atKey, directives, schema }, value, token, onError) {
    const tag = schema.tags.find(tag => (tag.default === true || (atKey && tag.default === 'key')) &&
        tag.test?.test(value)) || schema[identity.SCALAR];
    if (schema.compat) {
        const compat = schema.compat.find(tag => tag.default && tag.test?.test(value)) ??
            schema[identity.SCALAR];
        if (tag.tag !== compat.tag) {
            const ts = directives.tagString(tag.tag);
            const cs = directives.tagString(compat.tag);
            const msg = `Value may be parsed as either ${ts} or ${cs}`;
            onError(token, 'TAG_RESOLVE_FAILED', msg, true);
        }
    }
    return tag;
}

exports.composeScalar = composeScalar;


/***/ }),

/***/ 9984:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var directives = __nccwpck_require__(1342);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var identity = __nccwpck_require__(1127);
var composeDoc = __nccwpck_require__(3683);
var resolveEnd = __nccwpck_require__(7788);

function getErrorPos(src) {
    if (typeof src === 'number')
        return [src, src + 1];
    if (Array.isArray(src))
        return src.length === 2 ? src : [src[0], src[1]];
    const { offset, source } = src;
    return [offset, offset + (typeof source === 'string' ? source.length : 1)];
}
function parsePrelude(prelude) {
    let comment = '';
    let atComment = false;
    let afterEmptyLine = false;
    for (let i = 0; i < prelude.length; ++i) {
        const source = prelude[i];
        switch (source[0]) {
            case '#':
                comment +=
                    (comment === '' ? '' : afterEmptyLine ? '\n\n' : '\n') +
                        (source.substring(1) || ' ');
                atComment = true;
                afterEmptyLine = false;
                break;
            case '%':
                if (prelude[i + 1]?.[0] !== '#')
                    i += 1;
                atComment = false;
                break;
            default:
                // This may be wrong after doc-end, but in that case it doesn't matter
                if (!atComment)
                    afterEmptyLine = true;
                atComment = false;
        }
    }
    return { comment, afterEmptyLine };
}
/**
 * Compose a stream of CST nodes into a stream of YAML Documents.
 *
 * ```ts
 * import { Composer, Parser } from 'yaml'
 *
 * const src: string = ...
 * const tokens = new Parser().parse(src)
 * const docs = new Composer().compose(tokens)
 * ```
 */
class Composer {
    constructor(options = {}) {
        this.doc = null;
        this.atDirectives = false;
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
        this.onError = (source, code, message, warning) => {
            const pos = getErrorPos(source);
            if (warning)
                this.warnings.push(new errors.YAMLWarning(pos, code, message));
            else
                this.errors.push(new errors.YAMLParseError(pos, code, message));
        };
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        this.directives = new directives.Directives({ version: options.version || '1.2' });
        this.options = options;
    }
    decorate(doc, afterDoc) {
        const { comment, afterEmptyLine } = parsePrelude(this.prelude);
        //console.log({ dc: doc.comment, prelude, comment })
        if (comment) {
            const dc = doc.contents;
            if (afterDoc) {
                doc.comment = doc.comment ? `${doc.comment}\n${comment}` : comment;
            }
            else if (afterEmptyLine || doc.directives.docStart || !dc) {
                doc.commentBefore = comment;
            }
            else if (identity.isCollection(dc) && !dc.flow && dc.items.length > 0) {
                let it = dc.items[0];
                if (identity.isPair(it))
                    it = it.key;
                const cb = it.commentBefore;
                it.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
            else {
                const cb = dc.commentBefore;
                dc.commentBefore = cb ? `${comment}\n${cb}` : comment;
            }
        }
        if (afterDoc) {
            for (let i = 0; i < this.errors.length; ++i)
                doc.errors.push(this.errors[i]);
            for (let i = 0; i < this.warnings.length; ++i)
                doc.warnings.push(this.warnings[i]);
        }
        else {
            doc.errors = this.errors;
            doc.warnings = this.warnings;
        }
        this.prelude = [];
        this.errors = [];
        this.warnings = [];
    }
    /**
     * Current stream status information.
     *
     * Mostly useful at the end of input for an empty stream.
     */
    streamInfo() {
        return {
            comment: parsePrelude(this.prelude).comment,
            directives: this.directives,
            errors: this.errors,
            warnings: this.warnings
        };
    }
    /**
     * Compose tokens into documents.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *compose(tokens, forceDoc = false, endOffset = -1) {
        for (const token of tokens)
            yield* this.next(token);
        yield* this.end(forceDoc, endOffset);
    }
    /** Advance the composer by one CST token. */
    *next(token) {
        if (node_process.env.LOG_STREAM)
            console.dir(token, { depth: null });
        switch (token.type) {
            case 'directive':
                this.directives.add(token.source, (offset, message, warning) => {
                    const pos = getErrorPos(token);
                    pos[0] += offset;
                    this.onError(pos, 'BAD_DIRECTIVE', message, warning);
                });
                this.prelude.push(token.source);
                this.atDirectives = true;
                break;
            case 'document': {
                const doc = composeDoc.composeDoc(this.options, this.directives, token, this.onError);
                if (this.atDirectives && !doc.directives.docStart)
                    this.onError(token, 'MISSING_CHAR', 'Missing directives-end/doc-start indicator line');
                this.decorate(doc, false);
                if (this.doc)
                    yield this.doc;
                this.doc = doc;
                this.atDirectives = false;
                break;
            }
            case 'byte-order-mark':
            case 'space':
                break;
            case 'comment':
            case 'newline':
                this.prelude.push(token.source);
                break;
            case 'error': {
                const msg = token.source
                    ? `${token.message}: ${JSON.stringify(token.source)}`
                    : token.message;
                const error = new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg);
                if (this.atDirectives || !this.doc)
                    this.errors.push(error);
                else
                    this.doc.errors.push(error);
                break;
            }
            case 'doc-end': {
                if (!this.doc) {
                    const msg = 'Unexpected doc-end without preceding document';
                    this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', msg));
                    break;
                }
                this.doc.directives.docEnd = true;
                const end = resolveEnd.resolveEnd(token.end, token.offset + token.source.length, this.doc.options.strict, this.onError);
                this.decorate(this.doc, true);
                if (end.comment) {
                    const dc = this.doc.comment;
                    this.doc.comment = dc ? `${dc}\n${end.comment}` : end.comment;
                }
                this.doc.range[2] = end.offset;
                break;
            }
            default:
                this.errors.push(new errors.YAMLParseError(getErrorPos(token), 'UNEXPECTED_TOKEN', `Unsupported token ${token.type}`));
        }
    }
    /**
     * Call at end of input to yield any remaining document.
     *
     * @param forceDoc - If the stream contains no document, still emit a final document including any comments and directives that would be applied to a subsequent document.
     * @param endOffset - Should be set if `forceDoc` is also set, to set the document range end and to indicate errors correctly.
     */
    *end(forceDoc = false, endOffset = -1) {
        if (this.doc) {
            this.decorate(this.doc, true);
            yield this.doc;
            this.doc = null;
        }
        else if (forceDoc) {
            const opts = Object.assign({ _directives: this.directives }, this.options);
            const doc = new Document.Document(undefined, opts);
            if (this.atDirectives)
                this.onError(endOffset, 'MISSING_CHAR', 'Missing directives-end indicator line');
            doc.range = [0, endOffset, endOffset];
            this.decorate(doc, false);
            yield doc;
        }
    }
}

exports.Composer = Composer;


/***/ }),

/***/ 7103:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilFlowIndentCheck = __nccwpck_require__(4051);
var utilMapIncludes = __nccwpck_require__(1187);

const startColMsg = 'All mapping items must start at the same column';
function resolveBlockMap({ composeNode, composeEmptyNode }, ctx, bm, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLMap.YAMLMap;
    const map = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    let offset = bm.offset;
    let commentEnd = null;
    for (const collItem of bm.items) {
        const { start, key, sep, value } = collItem;
        // key properties
        const keyProps = resolveProps.resolveProps(start, {
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: bm.indent,
            startOnNewline: true
        });
        const implicitKey = !keyProps.found;
        if (implicitKey) {
            if (key) {
                if (key.type === 'block-seq')
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'A block sequence may not be used as an implicit map key');
                else if ('indent' in key && key.indent !== bm.indent)
                    onError(offset, 'BAD_INDENT', startColMsg);
            }
            if (!keyProps.anchor && !keyProps.tag && !sep) {
                commentEnd = keyProps.end;
                if (keyProps.comment) {
                    if (map.comment)
                        map.comment += '\n' + keyProps.comment;
                    else
                        map.comment = keyProps.comment;
                }
                continue;
            }
            if (keyProps.newlineAfterProp || utilContainsNewline.containsNewline(key)) {
                onError(key ?? start[start.length - 1], 'MULTILINE_IMPLICIT_KEY', 'Implicit keys need to be on a single line');
            }
        }
        else if (keyProps.found?.indent !== bm.indent) {
            onError(offset, 'BAD_INDENT', startColMsg);
        }
        // key value
        ctx.atKey = true;
        const keyStart = keyProps.end;
        const keyNode = key
            ? composeNode(ctx, key, keyProps, onError)
            : composeEmptyNode(ctx, keyStart, start, null, keyProps, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bm.indent, key, onError);
        ctx.atKey = false;
        if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
            onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
        // value properties
        const valueProps = resolveProps.resolveProps(sep ?? [], {
            indicator: 'map-value-ind',
            next: value,
            offset: keyNode.range[2],
            onError,
            parentIndent: bm.indent,
            startOnNewline: !key || key.type === 'block-scalar'
        });
        offset = valueProps.end;
        if (valueProps.found) {
            if (implicitKey) {
                if (value?.type === 'block-map' && !valueProps.hasNewline)
                    onError(offset, 'BLOCK_AS_IMPLICIT_KEY', 'Nested mappings are not allowed in compact mappings');
                if (ctx.options.strict &&
                    keyProps.start < valueProps.found.offset - 1024)
                    onError(keyNode.range, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit block mapping key');
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : composeEmptyNode(ctx, offset, sep, null, valueProps, onError);
            if (ctx.schema.compat)
                utilFlowIndentCheck.flowIndentCheck(bm.indent, value, onError);
            offset = valueNode.range[2];
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
        else {
            // key with no value
            if (implicitKey)
                onError(keyNode.range, 'MISSING_CHAR', 'Implicit map keys need to be followed by map values');
            if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            map.items.push(pair);
        }
    }
    if (commentEnd && commentEnd < offset)
        onError(commentEnd, 'IMPOSSIBLE', 'Map comment with trailing content');
    map.range = [bm.offset, offset, commentEnd ?? offset];
    return map;
}

exports.resolveBlockMap = resolveBlockMap;


/***/ }),

/***/ 8913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function resolveBlockScalar(ctx, scalar, onError) {
    const start = scalar.offset;
    const header = parseBlockScalarHeader(scalar, ctx.options.strict, onError);
    if (!header)
        return { value: '', type: null, comment: '', range: [start, start, start] };
    const type = header.mode === '>' ? Scalar.Scalar.BLOCK_FOLDED : Scalar.Scalar.BLOCK_LITERAL;
    const lines = scalar.source ? splitLines(scalar.source) : [];
    // determine the end of content & start of chomping
    let chompStart = lines.length;
    for (let i = lines.length - 1; i >= 0; --i) {
        const content = lines[i][1];
        if (content === '' || content === '\r')
            chompStart = i;
        else
            break;
    }
    // shortcut for empty contents
    if (chompStart === 0) {
        const value = header.chomp === '+' && lines.length > 0
            ? '\n'.repeat(Math.max(1, lines.length - 1))
            : '';
        let end = start + header.length;
        if (scalar.source)
            end += scalar.source.length;
        return { value, type, comment: header.comment, range: [start, end, end] };
    }
    // find the indentation level to trim from start
    let trimIndent = scalar.indent + header.indent;
    let offset = scalar.offset + header.length;
    let contentStart = 0;
    for (let i = 0; i < chompStart; ++i) {
        const [indent, content] = lines[i];
        if (content === '' || content === '\r') {
            if (header.indent === 0 && indent.length > trimIndent)
                trimIndent = indent.length;
        }
        else {
            if (indent.length < trimIndent) {
                const message = 'Block scalars with more-indented leading empty lines must use an explicit indentation indicator';
                onError(offset + indent.length, 'MISSING_CHAR', message);
            }
            if (header.indent === 0)
                trimIndent = indent.length;
            contentStart = i;
            if (trimIndent === 0 && !ctx.atRoot) {
                const message = 'Block scalar values in collections must be indented';
                onError(offset, 'BAD_INDENT', message);
            }
            break;
        }
        offset += indent.length + content.length + 1;
    }
    // include trailing more-indented empty lines in content
    for (let i = lines.length - 1; i >= chompStart; --i) {
        if (lines[i][0].length > trimIndent)
            chompStart = i + 1;
    }
    let value = '';
    let sep = '';
    let prevMoreIndented = false;
    // leading whitespace is kept intact
    for (let i = 0; i < contentStart; ++i)
        value += lines[i][0].slice(trimIndent) + '\n';
    for (let i = contentStart; i < chompStart; ++i) {
        let [indent, content] = lines[i];
        offset += indent.length + content.length + 1;
        const crlf = content[content.length - 1] === '\r';
        if (crlf)
            content = content.slice(0, -1);
        /* istanbul ignore if already caught in lexer */
        if (content && indent.length < trimIndent) {
            const src = header.indent
                ? 'explicit indentation indicator'
                : 'first line';
            const message = `Block scalar lines must not be less indented than their ${src}`;
            onError(offset - content.length - (crlf ? 2 : 1), 'BAD_INDENT', message);
            indent = '';
        }
        if (type === Scalar.Scalar.BLOCK_LITERAL) {
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
        }
        else if (indent.length > trimIndent || content[0] === '\t') {
            // more-indented content within a folded block
            if (sep === ' ')
                sep = '\n';
            else if (!prevMoreIndented && sep === '\n')
                sep = '\n\n';
            value += sep + indent.slice(trimIndent) + content;
            sep = '\n';
            prevMoreIndented = true;
        }
        else if (content === '') {
            // empty line
            if (sep === '\n')
                value += '\n';
            else
                sep = '\n';
        }
        else {
            value += sep + content;
            sep = ' ';
            prevMoreIndented = false;
        }
    }
    switch (header.chomp) {
        case '-':
            break;
        case '+':
            for (let i = chompStart; i < lines.length; ++i)
                value += '\n' + lines[i][0].slice(trimIndent);
            if (value[value.length - 1] !== '\n')
                value += '\n';
            break;
        default:
            value += '\n';
    }
    const end = start + header.length + scalar.source.length;
    return { value, type, comment: header.comment, range: [start, end, end] };
}
function parseBlockScalarHeader({ offset, props }, strict, onError) {
    /* istanbul ignore if should not happen */
    if (props[0].type !== 'block-scalar-header') {
        onError(props[0], 'IMPOSSIBLE', 'Block scalar header not found');
        return null;
    }
    const { source } = props[0];
    const mode = source[0];
    let indent = 0;
    let chomp = '';
    let error = -1;
    for (let i = 1; i < source.length; ++i) {
        const ch = source[i];
        if (!chomp && (ch === '-' || ch === '+'))
            chomp = ch;
        else {
            const n = Number(ch);
            if (!indent && n)
                indent = n;
            else if (error === -1)
                error = offset + i;
        }
    }
    if (error !== -1)
        onError(error, 'UNEXPECTED_TOKEN', `Block scalar header includes extra characters: ${source}`);
    let hasSpace = false;
    let comment = '';
    let length = source.length;
    for (let i = 1; i < props.length; ++i) {
        const token = props[i];
        switch (token.type) {
            case 'space':
                hasSpace = true;
            // fallthrough
            case 'newline':
                length += token.source.length;
                break;
            case 'comment':
                if (strict && !hasSpace) {
                    const message = 'Comments must be separated from other tokens by white space characters';
                    onError(token, 'MISSING_CHAR', message);
                }
                length += token.source.length;
                comment = token.source.substring(1);
                break;
            case 'error':
                onError(token, 'UNEXPECTED_TOKEN', token.message);
                length += token.source.length;
                break;
            /* istanbul ignore next should not happen */
            default: {
                const message = `Unexpected token in block scalar header: ${token.type}`;
                onError(token, 'UNEXPECTED_TOKEN', message);
                const ts = token.source;
                if (ts && typeof ts === 'string')
                    length += ts.length;
            }
        }
    }
    return { mode, indent, chomp, comment, length };
}
/** @returns Array of lines split up as `[indent, content]` */
function splitLines(source) {
    const split = source.split(/\n( *)/);
    const first = split[0];
    const m = first.match(/^( *)/);
    const line0 = m?.[1]
        ? [m[1], first.slice(m[1].length)]
        : ['', first];
    const lines = [line0];
    for (let i = 1; i < split.length; i += 2)
        lines.push([split[i], split[i + 1]]);
    return lines;
}

exports.resolveBlockScalar = resolveBlockScalar;


/***/ }),

/***/ 334:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var YAMLSeq = __nccwpck_require__(2223);
var resolveProps = __nccwpck_require__(4631);
var utilFlowIndentCheck = __nccwpck_require__(4051);

function resolveBlockSeq({ composeNode, composeEmptyNode }, ctx, bs, onError, tag) {
    const NodeClass = tag?.nodeClass ?? YAMLSeq.YAMLSeq;
    const seq = new NodeClass(ctx.schema);
    if (ctx.atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = bs.offset;
    let commentEnd = null;
    for (const { start, value } of bs.items) {
        const props = resolveProps.resolveProps(start, {
            indicator: 'seq-item-ind',
            next: value,
            offset,
            onError,
            parentIndent: bs.indent,
            startOnNewline: true
        });
        if (!props.found) {
            if (props.anchor || props.tag || value) {
                if (value?.type === 'block-seq')
                    onError(props.end, 'BAD_INDENT', 'All sequence items must start at the same column');
                else
                    onError(offset, 'MISSING_CHAR', 'Sequence item without - indicator');
            }
            else {
                commentEnd = props.end;
                if (props.comment)
                    seq.comment = props.comment;
                continue;
            }
        }
        const node = value
            ? composeNode(ctx, value, props, onError)
            : composeEmptyNode(ctx, props.end, start, null, props, onError);
        if (ctx.schema.compat)
            utilFlowIndentCheck.flowIndentCheck(bs.indent, value, onError);
        offset = node.range[2];
        seq.items.push(node);
    }
    seq.range = [bs.offset, offset, commentEnd ?? offset];
    return seq;
}

exports.resolveBlockSeq = resolveBlockSeq;


/***/ }),

/***/ 7788:
/***/ ((__unused_webpack_module, exports) => {



function resolveEnd(end, offset, reqSpace, onError) {
    let comment = '';
    if (end) {
        let hasSpace = false;
        let sep = '';
        for (const token of end) {
            const { source, type } = token;
            switch (type) {
                case 'space':
                    hasSpace = true;
                    break;
                case 'comment': {
                    if (reqSpace && !hasSpace)
                        onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                    const cb = source.substring(1) || ' ';
                    if (!comment)
                        comment = cb;
                    else
                        comment += sep + cb;
                    sep = '';
                    break;
                }
                case 'newline':
                    if (comment)
                        sep += source;
                    hasSpace = true;
                    break;
                default:
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${type} at node end`);
            }
            offset += source.length;
        }
    }
    return { comment, offset };
}

exports.resolveEnd = resolveEnd;


/***/ }),

/***/ 3142:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var resolveEnd = __nccwpck_require__(7788);
var resolveProps = __nccwpck_require__(4631);
var utilContainsNewline = __nccwpck_require__(9499);
var utilMapIncludes = __nccwpck_require__(1187);

const blockMsg = 'Block collections are not allowed within flow collections';
const isBlock = (token) => token && (token.type === 'block-map' || token.type === 'block-seq');
function resolveFlowCollection({ composeNode, composeEmptyNode }, ctx, fc, onError, tag) {
    const isMap = fc.start.source === '{';
    const fcName = isMap ? 'flow map' : 'flow sequence';
    const NodeClass = (tag?.nodeClass ?? (isMap ? YAMLMap.YAMLMap : YAMLSeq.YAMLSeq));
    const coll = new NodeClass(ctx.schema);
    coll.flow = true;
    const atRoot = ctx.atRoot;
    if (atRoot)
        ctx.atRoot = false;
    if (ctx.atKey)
        ctx.atKey = false;
    let offset = fc.offset + fc.start.source.length;
    for (let i = 0; i < fc.items.length; ++i) {
        const collItem = fc.items[i];
        const { start, key, sep, value } = collItem;
        const props = resolveProps.resolveProps(start, {
            flow: fcName,
            indicator: 'explicit-key-ind',
            next: key ?? sep?.[0],
            offset,
            onError,
            parentIndent: fc.indent,
            startOnNewline: false
        });
        if (!props.found) {
            if (!props.anchor && !props.tag && !sep && !value) {
                if (i === 0 && props.comma)
                    onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
                else if (i < fc.items.length - 1)
                    onError(props.start, 'UNEXPECTED_TOKEN', `Unexpected empty item in ${fcName}`);
                if (props.comment) {
                    if (coll.comment)
                        coll.comment += '\n' + props.comment;
                    else
                        coll.comment = props.comment;
                }
                offset = props.end;
                continue;
            }
            if (!isMap && ctx.options.strict && utilContainsNewline.containsNewline(key))
                onError(key, // checked by containsNewline()
                'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
        }
        if (i === 0) {
            if (props.comma)
                onError(props.comma, 'UNEXPECTED_TOKEN', `Unexpected , in ${fcName}`);
        }
        else {
            if (!props.comma)
                onError(props.start, 'MISSING_CHAR', `Missing , between ${fcName} items`);
            if (props.comment) {
                let prevItemComment = '';
                loop: for (const st of start) {
                    switch (st.type) {
                        case 'comma':
                        case 'space':
                            break;
                        case 'comment':
                            prevItemComment = st.source.substring(1);
                            break loop;
                        default:
                            break loop;
                    }
                }
                if (prevItemComment) {
                    let prev = coll.items[coll.items.length - 1];
                    if (identity.isPair(prev))
                        prev = prev.value ?? prev.key;
                    if (prev.comment)
                        prev.comment += '\n' + prevItemComment;
                    else
                        prev.comment = prevItemComment;
                    props.comment = props.comment.substring(prevItemComment.length + 1);
                }
            }
        }
        if (!isMap && !sep && !props.found) {
            // item is a value in a seq
            // → key & sep are empty, start does not include ? or :
            const valueNode = value
                ? composeNode(ctx, value, props, onError)
                : composeEmptyNode(ctx, props.end, sep, null, props, onError);
            coll.items.push(valueNode);
            offset = valueNode.range[2];
            if (isBlock(value))
                onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
        }
        else {
            // item is a key+value pair
            // key value
            ctx.atKey = true;
            const keyStart = props.end;
            const keyNode = key
                ? composeNode(ctx, key, props, onError)
                : composeEmptyNode(ctx, keyStart, start, null, props, onError);
            if (isBlock(key))
                onError(keyNode.range, 'BLOCK_IN_FLOW', blockMsg);
            ctx.atKey = false;
            // value properties
            const valueProps = resolveProps.resolveProps(sep ?? [], {
                flow: fcName,
                indicator: 'map-value-ind',
                next: value,
                offset: keyNode.range[2],
                onError,
                parentIndent: fc.indent,
                startOnNewline: false
            });
            if (valueProps.found) {
                if (!isMap && !props.found && ctx.options.strict) {
                    if (sep)
                        for (const st of sep) {
                            if (st === valueProps.found)
                                break;
                            if (st.type === 'newline') {
                                onError(st, 'MULTILINE_IMPLICIT_KEY', 'Implicit keys of flow sequence pairs need to be on a single line');
                                break;
                            }
                        }
                    if (props.start < valueProps.found.offset - 1024)
                        onError(valueProps.found, 'KEY_OVER_1024_CHARS', 'The : indicator must be at most 1024 chars after the start of an implicit flow sequence key');
                }
            }
            else if (value) {
                if ('source' in value && value.source?.[0] === ':')
                    onError(value, 'MISSING_CHAR', `Missing space after : in ${fcName}`);
                else
                    onError(valueProps.start, 'MISSING_CHAR', `Missing , or : between ${fcName} items`);
            }
            // value value
            const valueNode = value
                ? composeNode(ctx, value, valueProps, onError)
                : valueProps.found
                    ? composeEmptyNode(ctx, valueProps.end, sep, null, valueProps, onError)
                    : null;
            if (valueNode) {
                if (isBlock(value))
                    onError(valueNode.range, 'BLOCK_IN_FLOW', blockMsg);
            }
            else if (valueProps.comment) {
                if (keyNode.comment)
                    keyNode.comment += '\n' + valueProps.comment;
                else
                    keyNode.comment = valueProps.comment;
            }
            const pair = new Pair.Pair(keyNode, valueNode);
            if (ctx.options.keepSourceTokens)
                pair.srcToken = collItem;
            if (isMap) {
                const map = coll;
                if (utilMapIncludes.mapIncludes(ctx, map.items, keyNode))
                    onError(keyStart, 'DUPLICATE_KEY', 'Map keys must be unique');
                map.items.push(pair);
            }
            else {
                const map = new YAMLMap.YAMLMap(ctx.schema);
                map.flow = true;
                map.items.push(pair);
                const endRange = (valueNode ?? keyNode).range;
                map.range = [keyNode.range[0], endRange[1], endRange[2]];
                coll.items.push(map);
            }
            offset = valueNode ? valueNode.range[2] : valueProps.end;
        }
    }
    const expectedEnd = isMap ? '}' : ']';
    const [ce, ...ee] = fc.end;
    let cePos = offset;
    if (ce?.source === expectedEnd)
        cePos = ce.offset + ce.source.length;
    else {
        const name = fcName[0].toUpperCase() + fcName.substring(1);
        const msg = atRoot
            ? `${name} must end with a ${expectedEnd}`
            : `${name} in block collection must be sufficiently indented and end with a ${expectedEnd}`;
        onError(offset, atRoot ? 'MISSING_CHAR' : 'BAD_INDENT', msg);
        if (ce && ce.source.length !== 1)
            ee.unshift(ce);
    }
    if (ee.length > 0) {
        const end = resolveEnd.resolveEnd(ee, cePos, ctx.options.strict, onError);
        if (end.comment) {
            if (coll.comment)
                coll.comment += '\n' + end.comment;
            else
                coll.comment = end.comment;
        }
        coll.range = [fc.offset, cePos, end.offset];
    }
    else {
        coll.range = [fc.offset, cePos, cePos];
    }
    return coll;
}

exports.resolveFlowCollection = resolveFlowCollection;


/***/ }),

/***/ 6842:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var resolveEnd = __nccwpck_require__(7788);

function resolveFlowScalar(scalar, strict, onError) {
    const { offset, type, source, end } = scalar;
    let _type;
    let value;
    const _onError = (rel, code, msg) => onError(offset + rel, code, msg);
    switch (type) {
        case 'scalar':
            _type = Scalar.Scalar.PLAIN;
            value = plainValue(source, _onError);
            break;
        case 'single-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_SINGLE;
            value = singleQuotedValue(source, _onError);
            break;
        case 'double-quoted-scalar':
            _type = Scalar.Scalar.QUOTE_DOUBLE;
            value = doubleQuotedValue(source, _onError);
            break;
        /* istanbul ignore next should not happen */
        default:
            onError(scalar, 'UNEXPECTED_TOKEN', `Expected a flow scalar value, but found: ${type}`);
            return {
                value: '',
                type: null,
                comment: '',
                range: [offset, offset + source.length, offset + source.length]
            };
    }
    const valueEnd = offset + source.length;
    const re = resolveEnd.resolveEnd(end, valueEnd, strict, onError);
    return {
        value,
        type: _type,
        comment: re.comment,
        range: [offset, valueEnd, re.offset]
    };
}
function plainValue(source, onError) {
    let badChar = '';
    switch (source[0]) {
        /* istanbul ignore next should not happen */
        case '\t':
            badChar = 'a tab character';
            break;
        case ',':
            badChar = 'flow indicator character ,';
            break;
        case '%':
            badChar = 'directive indicator character %';
            break;
        case '|':
        case '>': {
            badChar = `block scalar indicator ${source[0]}`;
            break;
        }
        case '@':
        case '`': {
            badChar = `reserved character ${source[0]}`;
            break;
        }
    }
    if (badChar)
        onError(0, 'BAD_SCALAR_START', `Plain value cannot start with ${badChar}`);
    return unfoldLines(source);
}
function singleQuotedValue(source, onError) {
    if (source[source.length - 1] !== "'" || source.length === 1)
        onError(source.length, 'MISSING_CHAR', "Missing closing 'quote");
    return unfoldLines(source.slice(1, -1)).replace(/''/g, "'");
}
function unfoldLines(source) {
    const line = /(.*?)\r?\n/sy;
    let match = line.exec(source);
    if (!match)
        return source;
    /**
     * The negative lookbehinds in these RegExps are to
     * prevent causing a polynomial search time in certain cases.
     *
     * The try-catch is for Safari < 16.4 and other old browsers:
     * https://caniuse.com/js-regexp-lookbehind
     */
    let trimEnd, trimBoth;
    try {
        trimEnd = new RegExp('(?<![ \t])[ \t]+$');
        trimBoth = new RegExp('^[ \t]+|(?<![ \t])[ \t]+$', 'g');
    }
    catch {
        trimEnd = /[ \t]+$/;
        trimBoth = /^[ \t]+|[ \t]+$/g;
    }
    let res = match[1].replace(trimEnd, '');
    let sep = ' ';
    let pos = line.lastIndex;
    while ((match = line.exec(source))) {
        const lm = match[1].replace(trimBoth, '');
        if (lm === '') {
            if (sep === '\n')
                res += sep;
            else
                sep = '\n';
        }
        else {
            res += sep + lm;
            sep = ' ';
        }
        pos = line.lastIndex;
    }
    const last = /[ \t]*(.*)/sy;
    last.lastIndex = pos;
    match = last.exec(source);
    return res + sep + (match?.[1] ?? '');
}
function doubleQuotedValue(source, onError) {
    let res = '';
    for (let i = 1; i < source.length - 1; ++i) {
        const ch = source[i];
        if (ch === '\r' && source[i + 1] === '\n')
            continue;
        if (ch === '\n') {
            const { fold, offset } = foldNewline(source, i);
            res += fold;
            i = offset;
        }
        else if (ch === '\\') {
            let next = source[++i];
            const cc = escapeCodes[next];
            if (cc)
                res += cc;
            else if (next === '\n') {
                // skip escaped newlines, but still trim the following line
                next = source[i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === '\r' && source[i + 1] === '\n') {
                // skip escaped CRLF newlines, but still trim the following line
                next = source[++i + 1];
                while (next === ' ' || next === '\t')
                    next = source[++i + 1];
            }
            else if (next === 'x' || next === 'u' || next === 'U') {
                const length = next === 'x' ? 2 : next === 'u' ? 4 : 8;
                res += parseCharCode(source, i + 1, length, onError);
                i += length;
            }
            else {
                const raw = source.substr(i - 1, 2);
                onError(i - 1, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
                res += raw;
            }
        }
        else if (ch === ' ' || ch === '\t') {
            // trim trailing whitespace
            const wsStart = i;
            let next = source[i + 1];
            while (next === ' ' || next === '\t')
                next = source[++i + 1];
            if (next !== '\n' && !(next === '\r' && source[i + 2] === '\n'))
                res += i > wsStart ? source.slice(wsStart, i + 1) : ch;
        }
        else {
            res += ch;
        }
    }
    if (source[source.length - 1] !== '"' || source.length === 1)
        onError(source.length, 'MISSING_CHAR', 'Missing closing "quote');
    return res;
}
/**
 * Fold a single newline into a space, multiple newlines to N - 1 newlines.
 * Presumes `source[offset] === '\n'`
 */
function foldNewline(source, offset) {
    let fold = '';
    let ch = source[offset + 1];
    while (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
        if (ch === '\r' && source[offset + 2] !== '\n')
            break;
        if (ch === '\n')
            fold += '\n';
        offset += 1;
        ch = source[offset + 1];
    }
    if (!fold)
        fold = ' ';
    return { fold, offset };
}
const escapeCodes = {
    '0': '\0', // null character
    a: '\x07', // bell character
    b: '\b', // backspace
    e: '\x1b', // escape character
    f: '\f', // form feed
    n: '\n', // line feed
    r: '\r', // carriage return
    t: '\t', // horizontal tab
    v: '\v', // vertical tab
    N: '\u0085', // Unicode next line
    _: '\u00a0', // Unicode non-breaking space
    L: '\u2028', // Unicode line separator
    P: '\u2029', // Unicode paragraph separator
    ' ': ' ',
    '"': '"',
    '/': '/',
    '\\': '\\',
    '\t': '\t'
};
function parseCharCode(source, offset, length, onError) {
    const cc = source.substr(offset, length);
    const ok = cc.length === length && /^[0-9a-fA-F]+$/.test(cc);
    const code = ok ? parseInt(cc, 16) : NaN;
    try {
        return String.fromCodePoint(code);
    }
    catch {
        const raw = source.substr(offset - 2, length + 2);
        onError(offset - 2, 'BAD_DQ_ESCAPE', `Invalid escape sequence ${raw}`);
        return raw;
    }
}

exports.resolveFlowScalar = resolveFlowScalar;


/***/ }),

/***/ 4631:
/***/ ((__unused_webpack_module, exports) => {



function resolveProps(tokens, { flow, indicator, next, offset, onError, parentIndent, startOnNewline }) {
    let spaceBefore = false;
    let atNewline = startOnNewline;
    let hasSpace = startOnNewline;
    let comment = '';
    let commentSep = '';
    let hasNewline = false;
    let reqSpace = false;
    let tab = null;
    let anchor = null;
    let tag = null;
    let newlineAfterProp = null;
    let comma = null;
    let found = null;
    let start = null;
    for (const token of tokens) {
        if (reqSpace) {
            if (token.type !== 'space' &&
                token.type !== 'newline' &&
                token.type !== 'comma')
                onError(token.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
            reqSpace = false;
        }
        if (tab) {
            if (atNewline && token.type !== 'comment' && token.type !== 'newline') {
                onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
            }
            tab = null;
        }
        switch (token.type) {
            case 'space':
                // At the doc level, tabs at line start may be parsed
                // as leading white space rather than indentation.
                // In a flow collection, only the parser handles indent.
                if (!flow &&
                    (indicator !== 'doc-start' || next?.type !== 'flow-collection') &&
                    token.source.includes('\t')) {
                    tab = token;
                }
                hasSpace = true;
                break;
            case 'comment': {
                if (!hasSpace)
                    onError(token, 'MISSING_CHAR', 'Comments must be separated from other tokens by white space characters');
                const cb = token.source.substring(1) || ' ';
                if (!comment)
                    comment = cb;
                else
                    comment += commentSep + cb;
                commentSep = '';
                atNewline = false;
                break;
            }
            case 'newline':
                if (atNewline) {
                    if (comment)
                        comment += token.source;
                    else if (!found || indicator !== 'seq-item-ind')
                        spaceBefore = true;
                }
                else
                    commentSep += token.source;
                atNewline = true;
                hasNewline = true;
                if (anchor || tag)
                    newlineAfterProp = token;
                hasSpace = true;
                break;
            case 'anchor':
                if (anchor)
                    onError(token, 'MULTIPLE_ANCHORS', 'A node can have at most one anchor');
                if (token.source.endsWith(':'))
                    onError(token.offset + token.source.length - 1, 'BAD_ALIAS', 'Anchor ending in : is ambiguous', true);
                anchor = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            case 'tag': {
                if (tag)
                    onError(token, 'MULTIPLE_TAGS', 'A node can have at most one tag');
                tag = token;
                start ?? (start = token.offset);
                atNewline = false;
                hasSpace = false;
                reqSpace = true;
                break;
            }
            case indicator:
                // Could here handle preceding comments differently
                if (anchor || tag)
                    onError(token, 'BAD_PROP_ORDER', `Anchors and tags must be after the ${token.source} indicator`);
                if (found)
                    onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.source} in ${flow ?? 'collection'}`);
                found = token;
                atNewline =
                    indicator === 'seq-item-ind' || indicator === 'explicit-key-ind';
                hasSpace = false;
                break;
            case 'comma':
                if (flow) {
                    if (comma)
                        onError(token, 'UNEXPECTED_TOKEN', `Unexpected , in ${flow}`);
                    comma = token;
                    atNewline = false;
                    hasSpace = false;
                    break;
                }
            // else fallthrough
            default:
                onError(token, 'UNEXPECTED_TOKEN', `Unexpected ${token.type} token`);
                atNewline = false;
                hasSpace = false;
        }
    }
    const last = tokens[tokens.length - 1];
    const end = last ? last.offset + last.source.length : offset;
    if (reqSpace &&
        next &&
        next.type !== 'space' &&
        next.type !== 'newline' &&
        next.type !== 'comma' &&
        (next.type !== 'scalar' || next.source !== '')) {
        onError(next.offset, 'MISSING_CHAR', 'Tags and anchors must be separated from the next token by white space');
    }
    if (tab &&
        ((atNewline && tab.indent <= parentIndent) ||
            next?.type === 'block-map' ||
            next?.type === 'block-seq'))
        onError(tab, 'TAB_AS_INDENT', 'Tabs are not allowed as indentation');
    return {
        comma,
        found,
        spaceBefore,
        comment,
        hasNewline,
        anchor,
        tag,
        newlineAfterProp,
        end,
        start: start ?? end
    };
}

exports.resolveProps = resolveProps;


/***/ }),

/***/ 9499:
/***/ ((__unused_webpack_module, exports) => {



function containsNewline(key) {
    if (!key)
        return null;
    switch (key.type) {
        case 'alias':
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            if (key.source.includes('\n'))
                return true;
            if (key.end)
                for (const st of key.end)
                    if (st.type === 'newline')
                        return true;
            return false;
        case 'flow-collection':
            for (const it of key.items) {
                for (const st of it.start)
                    if (st.type === 'newline')
                        return true;
                if (it.sep)
                    for (const st of it.sep)
                        if (st.type === 'newline')
                            return true;
                if (containsNewline(it.key) || containsNewline(it.value))
                    return true;
            }
            return false;
        default:
            return true;
    }
}

exports.containsNewline = containsNewline;


/***/ }),

/***/ 2599:
/***/ ((__unused_webpack_module, exports) => {



function emptyScalarPosition(offset, before, pos) {
    if (before) {
        pos ?? (pos = before.length);
        for (let i = pos - 1; i >= 0; --i) {
            let st = before[i];
            switch (st.type) {
                case 'space':
                case 'comment':
                case 'newline':
                    offset -= st.source.length;
                    continue;
            }
            // Technically, an empty scalar is immediately after the last non-empty
            // node, but it's more useful to place it after any whitespace.
            st = before[++i];
            while (st?.type === 'space') {
                offset += st.source.length;
                st = before[++i];
            }
            break;
        }
    }
    return offset;
}

exports.emptyScalarPosition = emptyScalarPosition;


/***/ }),

/***/ 4051:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var utilContainsNewline = __nccwpck_require__(9499);

function flowIndentCheck(indent, fc, onError) {
    if (fc?.type === 'flow-collection') {
        const end = fc.end[0];
        if (end.indent === indent &&
            (end.source === ']' || end.source === '}') &&
            utilContainsNewline.containsNewline(fc)) {
            const msg = 'Flow end indicator should be more indented than parent';
            onError(end, 'BAD_INDENT', msg, true);
        }
    }
}

exports.flowIndentCheck = flowIndentCheck;


/***/ }),

/***/ 1187:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

function mapIncludes(ctx, items, search) {
    const { uniqueKeys } = ctx.options;
    if (uniqueKeys === false)
        return false;
    const isEqual = typeof uniqueKeys === 'function'
        ? uniqueKeys
        : (a, b) => a === b || (identity.isScalar(a) && identity.isScalar(b) && a.value === b.value);
    return items.some(pair => isEqual(pair.key, search));
}

exports.mapIncludes = mapIncludes;


/***/ }),

/***/ 3021:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var toJS = __nccwpck_require__(4043);
var Schema = __nccwpck_require__(5840);
var stringifyDocument = __nccwpck_require__(6829);
var anchors = __nccwpck_require__(1596);
var applyReviver = __nccwpck_require__(3661);
var createNode = __nccwpck_require__(2404);
var directives = __nccwpck_require__(1342);

class Document {
    constructor(value, replacer, options) {
        /** A comment before this Document */
        this.commentBefore = null;
        /** A comment immediately after this Document */
        this.comment = null;
        /** Errors encountered during parsing. */
        this.errors = [];
        /** Warnings encountered during parsing. */
        this.warnings = [];
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.DOC });
        let _replacer = null;
        if (typeof replacer === 'function' || Array.isArray(replacer)) {
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const opt = Object.assign({
            intAsBigInt: false,
            keepSourceTokens: false,
            logLevel: 'warn',
            prettyErrors: true,
            strict: true,
            stringKeys: false,
            uniqueKeys: true,
            version: '1.2'
        }, options);
        this.options = opt;
        let { version } = opt;
        if (options?._directives) {
            this.directives = options._directives.atDocument();
            if (this.directives.yaml.explicit)
                version = this.directives.yaml.version;
        }
        else
            this.directives = new directives.Directives({ version });
        this.setSchema(version, options);
        // @ts-expect-error We can't really know that this matches Contents.
        this.contents =
            value === undefined ? null : this.createNode(value, _replacer, options);
    }
    /**
     * Create a deep copy of this Document and its contents.
     *
     * Custom Node values that inherit from `Object` still refer to their original instances.
     */
    clone() {
        const copy = Object.create(Document.prototype, {
            [identity.NODE_TYPE]: { value: identity.DOC }
        });
        copy.commentBefore = this.commentBefore;
        copy.comment = this.comment;
        copy.errors = this.errors.slice();
        copy.warnings = this.warnings.slice();
        copy.options = Object.assign({}, this.options);
        if (this.directives)
            copy.directives = this.directives.clone();
        copy.schema = this.schema.clone();
        // @ts-expect-error We can't really know that this matches Contents.
        copy.contents = identity.isNode(this.contents)
            ? this.contents.clone(copy.schema)
            : this.contents;
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** Adds a value to the document. */
    add(value) {
        if (assertCollection(this.contents))
            this.contents.add(value);
    }
    /** Adds a value to the document. */
    addIn(path, value) {
        if (assertCollection(this.contents))
            this.contents.addIn(path, value);
    }
    /**
     * Create a new `Alias` node, ensuring that the target `node` has the required anchor.
     *
     * If `node` already has an anchor, `name` is ignored.
     * Otherwise, the `node.anchor` value will be set to `name`,
     * or if an anchor with that name is already present in the document,
     * `name` will be used as a prefix for a new unique anchor.
     * If `name` is undefined, the generated anchor will use 'a' as a prefix.
     */
    createAlias(node, name) {
        if (!node.anchor) {
            const prev = anchors.anchorNames(this);
            node.anchor =
                // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
                !name || prev.has(name) ? anchors.findNewAnchor(name || 'a', prev) : name;
        }
        return new Alias.Alias(node.anchor);
    }
    createNode(value, replacer, options) {
        let _replacer = undefined;
        if (typeof replacer === 'function') {
            value = replacer.call({ '': value }, '', value);
            _replacer = replacer;
        }
        else if (Array.isArray(replacer)) {
            const keyToStr = (v) => typeof v === 'number' || v instanceof String || v instanceof Number;
            const asStr = replacer.filter(keyToStr).map(String);
            if (asStr.length > 0)
                replacer = replacer.concat(asStr);
            _replacer = replacer;
        }
        else if (options === undefined && replacer) {
            options = replacer;
            replacer = undefined;
        }
        const { aliasDuplicateObjects, anchorPrefix, flow, keepUndefined, onTagObj, tag } = options ?? {};
        const { onAnchor, setAnchors, sourceObjects } = anchors.createNodeAnchors(this, 
        // eslint-disable-next-line @typescript-eslint/prefer-nullish-coalescing
        anchorPrefix || 'a');
        const ctx = {
            aliasDuplicateObjects: aliasDuplicateObjects ?? true,
            keepUndefined: keepUndefined ?? false,
            onAnchor,
            onTagObj,
            replacer: _replacer,
            schema: this.schema,
            sourceObjects
        };
        const node = createNode.createNode(value, tag, ctx);
        if (flow && identity.isCollection(node))
            node.flow = true;
        setAnchors();
        return node;
    }
    /**
     * Convert a key and a value into a `Pair` using the current schema,
     * recursively wrapping all values as `Scalar` or `Collection` nodes.
     */
    createPair(key, value, options = {}) {
        const k = this.createNode(key, null, options);
        const v = this.createNode(value, null, options);
        return new Pair.Pair(k, v);
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        return assertCollection(this.contents) ? this.contents.delete(key) : false;
    }
    /**
     * Removes a value from the document.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        if (Collection.isEmptyPath(path)) {
            if (this.contents == null)
                return false;
            // @ts-expect-error Presumed impossible if Strict extends false
            this.contents = null;
            return true;
        }
        return assertCollection(this.contents)
            ? this.contents.deleteIn(path)
            : false;
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    get(key, keepScalar) {
        return identity.isCollection(this.contents)
            ? this.contents.get(key, keepScalar)
            : undefined;
    }
    /**
     * Returns item at `path`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        if (Collection.isEmptyPath(path))
            return !keepScalar && identity.isScalar(this.contents)
                ? this.contents.value
                : this.contents;
        return identity.isCollection(this.contents)
            ? this.contents.getIn(path, keepScalar)
            : undefined;
    }
    /**
     * Checks if the document includes a value with the key `key`.
     */
    has(key) {
        return identity.isCollection(this.contents) ? this.contents.has(key) : false;
    }
    /**
     * Checks if the document includes a value at `path`.
     */
    hasIn(path) {
        if (Collection.isEmptyPath(path))
            return this.contents !== undefined;
        return identity.isCollection(this.contents) ? this.contents.hasIn(path) : false;
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    set(key, value) {
        if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, [key], value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.set(key, value);
        }
    }
    /**
     * Sets a value in this document. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        if (Collection.isEmptyPath(path)) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = value;
        }
        else if (this.contents == null) {
            // @ts-expect-error We can't really know that this matches Contents.
            this.contents = Collection.collectionFromPath(this.schema, Array.from(path), value);
        }
        else if (assertCollection(this.contents)) {
            this.contents.setIn(path, value);
        }
    }
    /**
     * Change the YAML version and schema used by the document.
     * A `null` version disables support for directives, explicit tags, anchors, and aliases.
     * It also requires the `schema` option to be given as a `Schema` instance value.
     *
     * Overrides all previously set schema options.
     */
    setSchema(version, options = {}) {
        if (typeof version === 'number')
            version = String(version);
        let opt;
        switch (version) {
            case '1.1':
                if (this.directives)
                    this.directives.yaml.version = '1.1';
                else
                    this.directives = new directives.Directives({ version: '1.1' });
                opt = { resolveKnownTags: false, schema: 'yaml-1.1' };
                break;
            case '1.2':
            case 'next':
                if (this.directives)
                    this.directives.yaml.version = version;
                else
                    this.directives = new directives.Directives({ version });
                opt = { resolveKnownTags: true, schema: 'core' };
                break;
            case null:
                if (this.directives)
                    delete this.directives;
                opt = null;
                break;
            default: {
                const sv = JSON.stringify(version);
                throw new Error(`Expected '1.1', '1.2' or null as first argument, but found: ${sv}`);
            }
        }
        // Not using `instanceof Schema` to allow for duck typing
        if (options.schema instanceof Object)
            this.schema = options.schema;
        else if (opt)
            this.schema = new Schema.Schema(Object.assign(opt, options));
        else
            throw new Error(`With a null YAML version, the { schema: Schema } option is required`);
    }
    // json & jsonArg are only used from toJSON()
    toJS({ json, jsonArg, mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        const ctx = {
            anchors: new Map(),
            doc: this,
            keep: !json,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this.contents, jsonArg ?? '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
    /**
     * A JSON representation of the document `contents`.
     *
     * @param jsonArg Used by `JSON.stringify` to indicate the array index or
     *   property name.
     */
    toJSON(jsonArg, onAnchor) {
        return this.toJS({ json: true, jsonArg, mapAsMap: false, onAnchor });
    }
    /** A YAML representation of the document. */
    toString(options = {}) {
        if (this.errors.length > 0)
            throw new Error('Document with errors cannot be stringified');
        if ('indent' in options &&
            (!Number.isInteger(options.indent) || Number(options.indent) <= 0)) {
            const s = JSON.stringify(options.indent);
            throw new Error(`"indent" option must be a positive integer, not ${s}`);
        }
        return stringifyDocument.stringifyDocument(this, options);
    }
}
function assertCollection(contents) {
    if (identity.isCollection(contents))
        return true;
    throw new Error('Expected a YAML collection as document contents');
}

exports.Document = Document;


/***/ }),

/***/ 1596:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

/**
 * Verify that the input string is a valid anchor.
 *
 * Will throw on errors.
 */
function anchorIsValid(anchor) {
    if (/[\x00-\x19\s,[\]{}]/.test(anchor)) {
        const sa = JSON.stringify(anchor);
        const msg = `Anchor must not contain whitespace or control characters: ${sa}`;
        throw new Error(msg);
    }
    return true;
}
function anchorNames(root) {
    const anchors = new Set();
    visit.visit(root, {
        Value(_key, node) {
            if (node.anchor)
                anchors.add(node.anchor);
        }
    });
    return anchors;
}
/** Find a new anchor name with the given `prefix` and a one-indexed suffix. */
function findNewAnchor(prefix, exclude) {
    for (let i = 1; true; ++i) {
        const name = `${prefix}${i}`;
        if (!exclude.has(name))
            return name;
    }
}
function createNodeAnchors(doc, prefix) {
    const aliasObjects = [];
    const sourceObjects = new Map();
    let prevAnchors = null;
    return {
        onAnchor: (source) => {
            aliasObjects.push(source);
            prevAnchors ?? (prevAnchors = anchorNames(doc));
            const anchor = findNewAnchor(prefix, prevAnchors);
            prevAnchors.add(anchor);
            return anchor;
        },
        /**
         * With circular references, the source node is only resolved after all
         * of its child nodes are. This is why anchors are set only after all of
         * the nodes have been created.
         */
        setAnchors: () => {
            for (const source of aliasObjects) {
                const ref = sourceObjects.get(source);
                if (typeof ref === 'object' &&
                    ref.anchor &&
                    (identity.isScalar(ref.node) || identity.isCollection(ref.node))) {
                    ref.node.anchor = ref.anchor;
                }
                else {
                    const error = new Error('Failed to resolve repeated object (this should not happen)');
                    error.source = source;
                    throw error;
                }
            }
        },
        sourceObjects
    };
}

exports.anchorIsValid = anchorIsValid;
exports.anchorNames = anchorNames;
exports.createNodeAnchors = createNodeAnchors;
exports.findNewAnchor = findNewAnchor;


/***/ }),

/***/ 3661:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Applies the JSON.parse reviver algorithm as defined in the ECMA-262 spec,
 * in section 24.5.1.1 "Runtime Semantics: InternalizeJSONProperty" of the
 * 2021 edition: https://tc39.es/ecma262/#sec-json.parse
 *
 * Includes extensions for handling Map and Set objects.
 */
function applyReviver(reviver, obj, key, val) {
    if (val && typeof val === 'object') {
        if (Array.isArray(val)) {
            for (let i = 0, len = val.length; i < len; ++i) {
                const v0 = val[i];
                const v1 = applyReviver(reviver, val, String(i), v0);
                // eslint-disable-next-line @typescript-eslint/no-array-delete
                if (v1 === undefined)
                    delete val[i];
                else if (v1 !== v0)
                    val[i] = v1;
            }
        }
        else if (val instanceof Map) {
            for (const k of Array.from(val.keys())) {
                const v0 = val.get(k);
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    val.delete(k);
                else if (v1 !== v0)
                    val.set(k, v1);
            }
        }
        else if (val instanceof Set) {
            for (const v0 of Array.from(val)) {
                const v1 = applyReviver(reviver, val, v0, v0);
                if (v1 === undefined)
                    val.delete(v0);
                else if (v1 !== v0) {
                    val.delete(v0);
                    val.add(v1);
                }
            }
        }
        else {
            for (const [k, v0] of Object.entries(val)) {
                const v1 = applyReviver(reviver, val, k, v0);
                if (v1 === undefined)
                    delete val[k];
                else if (v1 !== v0)
                    val[k] = v1;
            }
        }
    }
    return reviver.call(obj, key, val);
}

exports.applyReviver = applyReviver;


/***/ }),

/***/ 2404:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

const defaultTagPrefix = 'tag:yaml.org,2002:';
function findTagObject(value, tagName, tags) {
    if (tagName) {
        const match = tags.filter(t => t.tag === tagName);
        const tagObj = match.find(t => !t.format) ?? match[0];
        if (!tagObj)
            throw new Error(`Tag ${tagName} not found`);
        return tagObj;
    }
    return tags.find(t => t.identify?.(value) && !t.format);
}
function createNode(value, tagName, ctx) {
    if (identity.isDocument(value))
        value = value.contents;
    if (identity.isNode(value))
        return value;
    if (identity.isPair(value)) {
        const map = ctx.schema[identity.MAP].createNode?.(ctx.schema, null, ctx);
        map.items.push(value);
        return map;
    }
    if (value instanceof String ||
        value instanceof Number ||
        value instanceof Boolean ||
        (typeof BigInt !== 'undefined' && value instanceof BigInt) // not supported everywhere
    ) {
        // https://tc39.es/ecma262/#sec-serializejsonproperty
        value = value.valueOf();
    }
    const { aliasDuplicateObjects, onAnchor, onTagObj, schema, sourceObjects } = ctx;
    // Detect duplicate references to the same object & use Alias nodes for all
    // after first. The `ref` wrapper allows for circular references to resolve.
    let ref = undefined;
    if (aliasDuplicateObjects && value && typeof value === 'object') {
        ref = sourceObjects.get(value);
        if (ref) {
            ref.anchor ?? (ref.anchor = onAnchor(value));
            return new Alias.Alias(ref.anchor);
        }
        else {
            ref = { anchor: null, node: null };
            sourceObjects.set(value, ref);
        }
    }
    if (tagName?.startsWith('!!'))
        tagName = defaultTagPrefix + tagName.slice(2);
    let tagObj = findTagObject(value, tagName, schema.tags);
    if (!tagObj) {
        if (value && typeof value.toJSON === 'function') {
            // eslint-disable-next-line @typescript-eslint/no-unsafe-call
            value = value.toJSON();
        }
        if (!value || typeof value !== 'object') {
            const node = new Scalar.Scalar(value);
            if (ref)
                ref.node = node;
            return node;
        }
        tagObj =
            value instanceof Map
                ? schema[identity.MAP]
                : Symbol.iterator in Object(value)
                    ? schema[identity.SEQ]
                    : schema[identity.MAP];
    }
    if (onTagObj) {
        onTagObj(tagObj);
        delete ctx.onTagObj;
    }
    const node = tagObj?.createNode
        ? tagObj.createNode(ctx.schema, value, ctx)
        : typeof tagObj?.nodeClass?.from === 'function'
            ? tagObj.nodeClass.from(ctx.schema, value, ctx)
            : new Scalar.Scalar(value);
    if (tagName)
        node.tag = tagName;
    else if (!tagObj.default)
        node.tag = tagObj.tag;
    if (ref)
        ref.node = node;
    return node;
}

exports.createNode = createNode;


/***/ }),

/***/ 1342:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var visit = __nccwpck_require__(204);

const escapeChars = {
    '!': '%21',
    ',': '%2C',
    '[': '%5B',
    ']': '%5D',
    '{': '%7B',
    '}': '%7D'
};
const escapeTagName = (tn) => tn.replace(/[!,[\]{}]/g, ch => escapeChars[ch]);
class Directives {
    constructor(yaml, tags) {
        /**
         * The directives-end/doc-start marker `---`. If `null`, a marker may still be
         * included in the document's stringified representation.
         */
        this.docStart = null;
        /** The doc-end marker `...`.  */
        this.docEnd = false;
        this.yaml = Object.assign({}, Directives.defaultYaml, yaml);
        this.tags = Object.assign({}, Directives.defaultTags, tags);
    }
    clone() {
        const copy = new Directives(this.yaml, this.tags);
        copy.docStart = this.docStart;
        return copy;
    }
    /**
     * During parsing, get a Directives instance for the current document and
     * update the stream state according to the current version's spec.
     */
    atDocument() {
        const res = new Directives(this.yaml, this.tags);
        switch (this.yaml.version) {
            case '1.1':
                this.atNextDocument = true;
                break;
            case '1.2':
                this.atNextDocument = false;
                this.yaml = {
                    explicit: Directives.defaultYaml.explicit,
                    version: '1.2'
                };
                this.tags = Object.assign({}, Directives.defaultTags);
                break;
        }
        return res;
    }
    /**
     * @param onError - May be called even if the action was successful
     * @returns `true` on success
     */
    add(line, onError) {
        if (this.atNextDocument) {
            this.yaml = { explicit: Directives.defaultYaml.explicit, version: '1.1' };
            this.tags = Object.assign({}, Directives.defaultTags);
            this.atNextDocument = false;
        }
        const parts = line.trim().split(/[ \t]+/);
        const name = parts.shift();
        switch (name) {
            case '%TAG': {
                if (parts.length !== 2) {
                    onError(0, '%TAG directive should contain exactly two parts');
                    if (parts.length < 2)
                        return false;
                }
                const [handle, prefix] = parts;
                this.tags[handle] = prefix;
                return true;
            }
            case '%YAML': {
                this.yaml.explicit = true;
                if (parts.length !== 1) {
                    onError(0, '%YAML directive should contain exactly one part');
                    return false;
                }
                const [version] = parts;
                if (version === '1.1' || version === '1.2') {
                    this.yaml.version = version;
                    return true;
                }
                else {
                    const isValid = /^\d+\.\d+$/.test(version);
                    onError(6, `Unsupported YAML version ${version}`, isValid);
                    return false;
                }
            }
            default:
                onError(0, `Unknown directive ${name}`, true);
                return false;
        }
    }
    /**
     * Resolves a tag, matching handles to those defined in %TAG directives.
     *
     * @returns Resolved tag, which may also be the non-specific tag `'!'` or a
     *   `'!local'` tag, or `null` if unresolvable.
     */
    tagName(source, onError) {
        if (source === '!')
            return '!'; // non-specific tag
        if (source[0] !== '!') {
            onError(`Not a valid tag: ${source}`);
            return null;
        }
        if (source[1] === '<') {
            const verbatim = source.slice(2, -1);
            if (verbatim === '!' || verbatim === '!!') {
                onError(`Verbatim tags aren't resolved, so ${source} is invalid.`);
                return null;
            }
            if (source[source.length - 1] !== '>')
                onError('Verbatim tags must end with a >');
            return verbatim;
        }
        const [, handle, suffix] = source.match(/^(.*!)([^!]*)$/s);
        if (!suffix)
            onError(`The ${source} tag has no suffix`);
        const prefix = this.tags[handle];
        if (prefix) {
            try {
                return prefix + decodeURIComponent(suffix);
            }
            catch (error) {
                onError(String(error));
                return null;
            }
        }
        if (handle === '!')
            return source; // local tag
        onError(`Could not resolve tag: ${source}`);
        return null;
    }
    /**
     * Given a fully resolved tag, returns its printable string form,
     * taking into account current tag prefixes and defaults.
     */
    tagString(tag) {
        for (const [handle, prefix] of Object.entries(this.tags)) {
            if (tag.startsWith(prefix))
                return handle + escapeTagName(tag.substring(prefix.length));
        }
        return tag[0] === '!' ? tag : `!<${tag}>`;
    }
    toString(doc) {
        const lines = this.yaml.explicit
            ? [`%YAML ${this.yaml.version || '1.2'}`]
            : [];
        const tagEntries = Object.entries(this.tags);
        let tagNames;
        if (doc && tagEntries.length > 0 && identity.isNode(doc.contents)) {
            const tags = {};
            visit.visit(doc.contents, (_key, node) => {
                if (identity.isNode(node) && node.tag)
                    tags[node.tag] = true;
            });
            tagNames = Object.keys(tags);
        }
        else
            tagNames = [];
        for (const [handle, prefix] of tagEntries) {
            if (handle === '!!' && prefix === 'tag:yaml.org,2002:')
                continue;
            if (!doc || tagNames.some(tn => tn.startsWith(prefix)))
                lines.push(`%TAG ${handle} ${prefix}`);
        }
        return lines.join('\n');
    }
}
Directives.defaultYaml = { explicit: false, version: '1.2' };
Directives.defaultTags = { '!!': 'tag:yaml.org,2002:' };

exports.Directives = Directives;


/***/ }),

/***/ 1464:
/***/ ((__unused_webpack_module, exports) => {



class YAMLError extends Error {
    constructor(name, pos, code, message) {
        super();
        this.name = name;
        this.code = code;
        this.message = message;
        this.pos = pos;
    }
}
class YAMLParseError extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLParseError', pos, code, message);
    }
}
class YAMLWarning extends YAMLError {
    constructor(pos, code, message) {
        super('YAMLWarning', pos, code, message);
    }
}
const prettifyError = (src, lc) => (error) => {
    if (error.pos[0] === -1)
        return;
    error.linePos = error.pos.map(pos => lc.linePos(pos));
    const { line, col } = error.linePos[0];
    error.message += ` at line ${line}, column ${col}`;
    let ci = col - 1;
    let lineStr = src
        .substring(lc.lineStarts[line - 1], lc.lineStarts[line])
        .replace(/[\n\r]+$/, '');
    // Trim to max 80 chars, keeping col position near the middle
    if (ci >= 60 && lineStr.length > 80) {
        const trimStart = Math.min(ci - 39, lineStr.length - 79);
        lineStr = '…' + lineStr.substring(trimStart);
        ci -= trimStart - 1;
    }
    if (lineStr.length > 80)
        lineStr = lineStr.substring(0, 79) + '…';
    // Include previous line in context if pointing at line start
    if (line > 1 && /^ *$/.test(lineStr.substring(0, ci))) {
        // Regexp won't match if start is trimmed
        let prev = src.substring(lc.lineStarts[line - 2], lc.lineStarts[line - 1]);
        if (prev.length > 80)
            prev = prev.substring(0, 79) + '…\n';
        lineStr = prev + lineStr;
    }
    if (/[^ ]/.test(lineStr)) {
        let count = 1;
        const end = error.linePos[1];
        if (end?.line === line && end.col > col) {
            count = Math.max(1, Math.min(end.col - col, 80 - ci));
        }
        const pointer = ' '.repeat(ci) + '^'.repeat(count);
        error.message += `:\n\n${lineStr}\n${pointer}\n`;
    }
};

exports.YAMLError = YAMLError;
exports.YAMLParseError = YAMLParseError;
exports.YAMLWarning = YAMLWarning;
exports.prettifyError = prettifyError;


/***/ }),

/***/ 8815:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {

var __webpack_unused_export__;


var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var Schema = __nccwpck_require__(5840);
var errors = __nccwpck_require__(1464);
var Alias = __nccwpck_require__(4065);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);
var publicApi = __nccwpck_require__(4047);
var visit = __nccwpck_require__(204);



__webpack_unused_export__ = composer.Composer;
__webpack_unused_export__ = Document.Document;
__webpack_unused_export__ = Schema.Schema;
__webpack_unused_export__ = errors.YAMLError;
__webpack_unused_export__ = errors.YAMLParseError;
__webpack_unused_export__ = errors.YAMLWarning;
__webpack_unused_export__ = Alias.Alias;
__webpack_unused_export__ = identity.isAlias;
__webpack_unused_export__ = identity.isCollection;
__webpack_unused_export__ = identity.isDocument;
__webpack_unused_export__ = identity.isMap;
__webpack_unused_export__ = identity.isNode;
__webpack_unused_export__ = identity.isPair;
__webpack_unused_export__ = identity.isScalar;
__webpack_unused_export__ = identity.isSeq;
__webpack_unused_export__ = Pair.Pair;
__webpack_unused_export__ = Scalar.Scalar;
__webpack_unused_export__ = YAMLMap.YAMLMap;
__webpack_unused_export__ = YAMLSeq.YAMLSeq;
__webpack_unused_export__ = cst;
__webpack_unused_export__ = lexer.Lexer;
__webpack_unused_export__ = lineCounter.LineCounter;
__webpack_unused_export__ = parser.Parser;
__webpack_unused_export__ = publicApi.parse;
__webpack_unused_export__ = publicApi.parseAllDocuments;
exports.Tp = publicApi.parseDocument;
__webpack_unused_export__ = publicApi.stringify;
__webpack_unused_export__ = visit.visit;
__webpack_unused_export__ = visit.visitAsync;


/***/ }),

/***/ 7249:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);

function debug(logLevel, ...messages) {
    if (logLevel === 'debug')
        console.log(...messages);
}
function warn(logLevel, warning) {
    if (logLevel === 'debug' || logLevel === 'warn') {
        if (typeof node_process.emitWarning === 'function')
            node_process.emitWarning(warning);
        else
            console.warn(warning);
    }
}

exports.debug = debug;
exports.warn = warn;


/***/ }),

/***/ 4065:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var visit = __nccwpck_require__(204);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

class Alias extends Node.NodeBase {
    constructor(source) {
        super(identity.ALIAS);
        this.source = source;
        Object.defineProperty(this, 'tag', {
            set() {
                throw new Error('Alias nodes cannot have tags');
            }
        });
    }
    /**
     * Resolve the value of this alias within `doc`, finding the last
     * instance of the `source` anchor before this node.
     */
    resolve(doc, ctx) {
        if (ctx?.maxAliasCount === 0)
            throw new ReferenceError('Alias resolution is disabled');
        let nodes;
        if (ctx?.aliasResolveCache) {
            nodes = ctx.aliasResolveCache;
        }
        else {
            nodes = [];
            visit.visit(doc, {
                Node: (_key, node) => {
                    if (identity.isAlias(node) || identity.hasAnchor(node))
                        nodes.push(node);
                }
            });
            if (ctx)
                ctx.aliasResolveCache = nodes;
        }
        let found = undefined;
        for (const node of nodes) {
            if (node === this)
                break;
            if (node.anchor === this.source)
                found = node;
        }
        if (found && ctx) {
            const { anchors, doc, maxAliasCount } = ctx;
            let data = anchors.get(found);
            if (!data) {
                // Resolve anchors for Node.prototype.toJS()
                toJS.toJS(found, null, ctx);
                data = anchors.get(found);
            }
            /* istanbul ignore if */
            if (data?.res === undefined) {
                const msg = 'This should not happen: Alias anchor was not resolved?';
                throw new ReferenceError(msg);
            }
            if (maxAliasCount >= 0) {
                data.count += 1;
                if (data.aliasCount === 0)
                    data.aliasCount = getAliasCount(doc, found, anchors);
                if (data.count * data.aliasCount > maxAliasCount) {
                    const msg = 'Excessive alias count indicates a resource exhaustion attack';
                    throw new ReferenceError(msg);
                }
            }
        }
        return found;
    }
    toJSON(_arg, ctx) {
        if (!ctx)
            return { source: this.source };
        const source = this.resolve(ctx.doc, ctx);
        if (!source) {
            const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
            throw new ReferenceError(msg);
        }
        return ctx.anchors.get(source).res;
    }
    toString(ctx, _onComment, _onChompKeep) {
        const src = `*${this.source}`;
        if (ctx) {
            anchors.anchorIsValid(this.source);
            if (ctx.options.verifyAliasOrder && !ctx.anchors.has(this.source)) {
                const msg = `Unresolved alias (the anchor must be set before the alias): ${this.source}`;
                throw new Error(msg);
            }
            if (ctx.implicitKey)
                return `${src} `;
        }
        return src;
    }
}
function getAliasCount(doc, node, anchors) {
    if (identity.isAlias(node)) {
        const source = node.resolve(doc);
        const anchor = anchors && source && anchors.get(source);
        return anchor ? anchor.count * anchor.aliasCount : 0;
    }
    else if (identity.isCollection(node)) {
        let count = 0;
        for (const item of node.items) {
            const c = getAliasCount(doc, item, anchors);
            if (c > count)
                count = c;
        }
        return count;
    }
    else if (identity.isPair(node)) {
        const kc = getAliasCount(doc, node.key, anchors);
        const vc = getAliasCount(doc, node.value, anchors);
        return Math.max(kc, vc);
    }
    return 1;
}

exports.Alias = Alias;


/***/ }),

/***/ 101:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);

function collectionFromPath(schema, path, value) {
    let v = value;
    for (let i = path.length - 1; i >= 0; --i) {
        const k = path[i];
        if (typeof k === 'number' && Number.isInteger(k) && k >= 0) {
            const a = [];
            a[k] = v;
            v = a;
        }
        else {
            v = new Map([[k, v]]);
        }
    }
    return createNode.createNode(v, undefined, {
        aliasDuplicateObjects: false,
        keepUndefined: false,
        onAnchor: () => {
            throw new Error('This should not happen, please report a bug.');
        },
        schema,
        sourceObjects: new Map()
    });
}
// Type guard is intentionally a little wrong so as to be more useful,
// as it does not cover untypable empty non-string iterables (e.g. []).
const isEmptyPath = (path) => path == null ||
    (typeof path === 'object' && !!path[Symbol.iterator]().next().done);
class Collection extends Node.NodeBase {
    constructor(type, schema) {
        super(type);
        Object.defineProperty(this, 'schema', {
            value: schema,
            configurable: true,
            enumerable: false,
            writable: true
        });
    }
    /**
     * Create a copy of this collection.
     *
     * @param schema - If defined, overwrites the original's schema
     */
    clone(schema) {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (schema)
            copy.schema = schema;
        copy.items = copy.items.map(it => identity.isNode(it) || identity.isPair(it) ? it.clone(schema) : it);
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /**
     * Adds a value to the collection. For `!!map` and `!!omap` the value must
     * be a Pair instance or a `{ key, value }` object, which may not have a key
     * that already exists in the map.
     */
    addIn(path, value) {
        if (isEmptyPath(path))
            this.add(value);
        else {
            const [key, ...rest] = path;
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.addIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
    /**
     * Removes a value from the collection.
     * @returns `true` if the item was found and removed.
     */
    deleteIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.delete(key);
        const node = this.get(key, true);
        if (identity.isCollection(node))
            return node.deleteIn(rest);
        else
            throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
    }
    /**
     * Returns item at `key`, or `undefined` if not found. By default unwraps
     * scalar values from their surrounding node; to disable set `keepScalar` to
     * `true` (collections are always returned intact).
     */
    getIn(path, keepScalar) {
        const [key, ...rest] = path;
        const node = this.get(key, true);
        if (rest.length === 0)
            return !keepScalar && identity.isScalar(node) ? node.value : node;
        else
            return identity.isCollection(node) ? node.getIn(rest, keepScalar) : undefined;
    }
    hasAllNullValues(allowScalar) {
        return this.items.every(node => {
            if (!identity.isPair(node))
                return false;
            const n = node.value;
            return (n == null ||
                (allowScalar &&
                    identity.isScalar(n) &&
                    n.value == null &&
                    !n.commentBefore &&
                    !n.comment &&
                    !n.tag));
        });
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     */
    hasIn(path) {
        const [key, ...rest] = path;
        if (rest.length === 0)
            return this.has(key);
        const node = this.get(key, true);
        return identity.isCollection(node) ? node.hasIn(rest) : false;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     */
    setIn(path, value) {
        const [key, ...rest] = path;
        if (rest.length === 0) {
            this.set(key, value);
        }
        else {
            const node = this.get(key, true);
            if (identity.isCollection(node))
                node.setIn(rest, value);
            else if (node === undefined && this.schema)
                this.set(key, collectionFromPath(this.schema, rest, value));
            else
                throw new Error(`Expected YAML collection at ${key}. Remaining path: ${rest}`);
        }
    }
}

exports.Collection = Collection;
exports.collectionFromPath = collectionFromPath;
exports.isEmptyPath = isEmptyPath;


/***/ }),

/***/ 6673:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var applyReviver = __nccwpck_require__(3661);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

class NodeBase {
    constructor(type) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: type });
    }
    /** Create a copy of this node.  */
    clone() {
        const copy = Object.create(Object.getPrototypeOf(this), Object.getOwnPropertyDescriptors(this));
        if (this.range)
            copy.range = this.range.slice();
        return copy;
    }
    /** A plain JavaScript representation of this node. */
    toJS(doc, { mapAsMap, maxAliasCount, onAnchor, reviver } = {}) {
        if (!identity.isDocument(doc))
            throw new TypeError('A document argument is required');
        const ctx = {
            anchors: new Map(),
            doc,
            keep: true,
            mapAsMap: mapAsMap === true,
            mapKeyWarned: false,
            maxAliasCount: typeof maxAliasCount === 'number' ? maxAliasCount : 100
        };
        const res = toJS.toJS(this, '', ctx);
        if (typeof onAnchor === 'function')
            for (const { count, res } of ctx.anchors.values())
                onAnchor(res, count);
        return typeof reviver === 'function'
            ? applyReviver.applyReviver(reviver, { '': res }, '', res)
            : res;
    }
}

exports.NodeBase = NodeBase;


/***/ }),

/***/ 7165:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyPair = __nccwpck_require__(9748);
var addPairToJSMap = __nccwpck_require__(7104);
var identity = __nccwpck_require__(1127);

function createPair(key, value, ctx) {
    const k = createNode.createNode(key, undefined, ctx);
    const v = createNode.createNode(value, undefined, ctx);
    return new Pair(k, v);
}
class Pair {
    constructor(key, value = null) {
        Object.defineProperty(this, identity.NODE_TYPE, { value: identity.PAIR });
        this.key = key;
        this.value = value;
    }
    clone(schema) {
        let { key, value } = this;
        if (identity.isNode(key))
            key = key.clone(schema);
        if (identity.isNode(value))
            value = value.clone(schema);
        return new Pair(key, value);
    }
    toJSON(_, ctx) {
        const pair = ctx?.mapAsMap ? new Map() : {};
        return addPairToJSMap.addPairToJSMap(ctx, pair, this);
    }
    toString(ctx, onComment, onChompKeep) {
        return ctx?.doc
            ? stringifyPair.stringifyPair(this, ctx, onComment, onChompKeep)
            : JSON.stringify(this);
    }
}

exports.Pair = Pair;
exports.createPair = createPair;


/***/ }),

/***/ 3301:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Node = __nccwpck_require__(6673);
var toJS = __nccwpck_require__(4043);

const isScalarValue = (value) => !value || (typeof value !== 'function' && typeof value !== 'object');
class Scalar extends Node.NodeBase {
    constructor(value) {
        super(identity.SCALAR);
        this.value = value;
    }
    toJSON(arg, ctx) {
        return ctx?.keep ? this.value : toJS.toJS(this.value, arg, ctx);
    }
    toString() {
        return String(this.value);
    }
}
Scalar.BLOCK_FOLDED = 'BLOCK_FOLDED';
Scalar.BLOCK_LITERAL = 'BLOCK_LITERAL';
Scalar.PLAIN = 'PLAIN';
Scalar.QUOTE_DOUBLE = 'QUOTE_DOUBLE';
Scalar.QUOTE_SINGLE = 'QUOTE_SINGLE';

exports.Scalar = Scalar;
exports.isScalarValue = isScalarValue;


/***/ }),

/***/ 4454:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyCollection = __nccwpck_require__(1212);
var addPairToJSMap = __nccwpck_require__(7104);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);

function findPair(items, key) {
    const k = identity.isScalar(key) ? key.value : key;
    for (const it of items) {
        if (identity.isPair(it)) {
            if (it.key === key || it.key === k)
                return it;
            if (identity.isScalar(it.key) && it.key.value === k)
                return it;
        }
    }
    return undefined;
}
class YAMLMap extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:map';
    }
    constructor(schema) {
        super(identity.MAP, schema);
        this.items = [];
    }
    /**
     * A generic collection parsing method that can be extended
     * to other node classes that inherit from YAMLMap
     */
    static from(schema, obj, ctx) {
        const { keepUndefined, replacer } = ctx;
        const map = new this(schema);
        const add = (key, value) => {
            if (typeof replacer === 'function')
                value = replacer.call(obj, key, value);
            else if (Array.isArray(replacer) && !replacer.includes(key))
                return;
            if (value !== undefined || keepUndefined)
                map.items.push(Pair.createPair(key, value, ctx));
        };
        if (obj instanceof Map) {
            for (const [key, value] of obj)
                add(key, value);
        }
        else if (obj && typeof obj === 'object') {
            for (const key of Object.keys(obj))
                add(key, obj[key]);
        }
        if (typeof schema.sortMapEntries === 'function') {
            map.items.sort(schema.sortMapEntries);
        }
        return map;
    }
    /**
     * Adds a value to the collection.
     *
     * @param overwrite - If not set `true`, using a key that is already in the
     *   collection will throw. Otherwise, overwrites the previous value.
     */
    add(pair, overwrite) {
        let _pair;
        if (identity.isPair(pair))
            _pair = pair;
        else if (!pair || typeof pair !== 'object' || !('key' in pair)) {
            // In TypeScript, this never happens.
            _pair = new Pair.Pair(pair, pair?.value);
        }
        else
            _pair = new Pair.Pair(pair.key, pair.value);
        const prev = findPair(this.items, _pair.key);
        const sortEntries = this.schema?.sortMapEntries;
        if (prev) {
            if (!overwrite)
                throw new Error(`Key ${_pair.key} already set`);
            // For scalars, keep the old node & its comments and anchors
            if (identity.isScalar(prev.value) && Scalar.isScalarValue(_pair.value))
                prev.value.value = _pair.value;
            else
                prev.value = _pair.value;
        }
        else if (sortEntries) {
            const i = this.items.findIndex(item => sortEntries(_pair, item) < 0);
            if (i === -1)
                this.items.push(_pair);
            else
                this.items.splice(i, 0, _pair);
        }
        else {
            this.items.push(_pair);
        }
    }
    delete(key) {
        const it = findPair(this.items, key);
        if (!it)
            return false;
        const del = this.items.splice(this.items.indexOf(it), 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const it = findPair(this.items, key);
        const node = it?.value;
        return (!keepScalar && identity.isScalar(node) ? node.value : node) ?? undefined;
    }
    has(key) {
        return !!findPair(this.items, key);
    }
    set(key, value) {
        this.add(new Pair.Pair(key, value), true);
    }
    /**
     * @param ctx - Conversion context, originally set in Document#toJS()
     * @param {Class} Type - If set, forces the returned collection type
     * @returns Instance of Type, Map, or Object
     */
    toJSON(_, ctx, Type) {
        const map = Type ? new Type() : ctx?.mapAsMap ? new Map() : {};
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const item of this.items)
            addPairToJSMap.addPairToJSMap(ctx, map, item);
        return map;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        for (const item of this.items) {
            if (!identity.isPair(item))
                throw new Error(`Map items must all be pairs; found ${JSON.stringify(item)} instead`);
        }
        if (!ctx.allNullValues && this.hasAllNullValues(false))
            ctx = Object.assign({}, ctx, { allNullValues: true });
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '',
            flowChars: { start: '{', end: '}' },
            itemIndent: ctx.indent || '',
            onChompKeep,
            onComment
        });
    }
}

exports.YAMLMap = YAMLMap;
exports.findPair = findPair;


/***/ }),

/***/ 2223:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var createNode = __nccwpck_require__(2404);
var stringifyCollection = __nccwpck_require__(1212);
var Collection = __nccwpck_require__(101);
var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var toJS = __nccwpck_require__(4043);

class YAMLSeq extends Collection.Collection {
    static get tagName() {
        return 'tag:yaml.org,2002:seq';
    }
    constructor(schema) {
        super(identity.SEQ, schema);
        this.items = [];
    }
    add(value) {
        this.items.push(value);
    }
    /**
     * Removes a value from the collection.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     *
     * @returns `true` if the item was found and removed.
     */
    delete(key) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return false;
        const del = this.items.splice(idx, 1);
        return del.length > 0;
    }
    get(key, keepScalar) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            return undefined;
        const it = this.items[idx];
        return !keepScalar && identity.isScalar(it) ? it.value : it;
    }
    /**
     * Checks if the collection includes a value with the key `key`.
     *
     * `key` must contain a representation of an integer for this to succeed.
     * It may be wrapped in a `Scalar`.
     */
    has(key) {
        const idx = asItemIndex(key);
        return typeof idx === 'number' && idx < this.items.length;
    }
    /**
     * Sets a value in this collection. For `!!set`, `value` needs to be a
     * boolean to add/remove the item from the set.
     *
     * If `key` does not contain a representation of an integer, this will throw.
     * It may be wrapped in a `Scalar`.
     */
    set(key, value) {
        const idx = asItemIndex(key);
        if (typeof idx !== 'number')
            throw new Error(`Expected a valid index, not ${key}.`);
        const prev = this.items[idx];
        if (identity.isScalar(prev) && Scalar.isScalarValue(value))
            prev.value = value;
        else
            this.items[idx] = value;
    }
    toJSON(_, ctx) {
        const seq = [];
        if (ctx?.onCreate)
            ctx.onCreate(seq);
        let i = 0;
        for (const item of this.items)
            seq.push(toJS.toJS(item, String(i++), ctx));
        return seq;
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        return stringifyCollection.stringifyCollection(this, ctx, {
            blockItemPrefix: '- ',
            flowChars: { start: '[', end: ']' },
            itemIndent: (ctx.indent || '') + '  ',
            onChompKeep,
            onComment
        });
    }
    static from(schema, obj, ctx) {
        const { replacer } = ctx;
        const seq = new this(schema);
        if (obj && Symbol.iterator in Object(obj)) {
            let i = 0;
            for (let it of obj) {
                if (typeof replacer === 'function') {
                    const key = obj instanceof Set ? it : String(i++);
                    it = replacer.call(obj, key, it);
                }
                seq.items.push(createNode.createNode(it, undefined, ctx));
            }
        }
        return seq;
    }
}
function asItemIndex(key) {
    let idx = identity.isScalar(key) ? key.value : key;
    if (idx && typeof idx === 'string')
        idx = Number(idx);
    return typeof idx === 'number' && Number.isInteger(idx) && idx >= 0
        ? idx
        : null;
}

exports.YAMLSeq = YAMLSeq;


/***/ }),

/***/ 7104:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var log = __nccwpck_require__(7249);
var merge = __nccwpck_require__(452);
var stringify = __nccwpck_require__(2148);
var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);

function addPairToJSMap(ctx, map, { key, value }) {
    if (identity.isNode(key) && key.addToJSMap)
        key.addToJSMap(ctx, map, value);
    // TODO: Should drop this special case for bare << handling
    else if (merge.isMergeKey(ctx, key))
        merge.addMergeToJSMap(ctx, map, value);
    else {
        const jsKey = toJS.toJS(key, '', ctx);
        if (map instanceof Map) {
            map.set(jsKey, toJS.toJS(value, jsKey, ctx));
        }
        else if (map instanceof Set) {
            map.add(jsKey);
        }
        else {
            const stringKey = stringifyKey(key, jsKey, ctx);
            const jsValue = toJS.toJS(value, stringKey, ctx);
            if (stringKey in map)
                Object.defineProperty(map, stringKey, {
                    value: jsValue,
                    writable: true,
                    enumerable: true,
                    configurable: true
                });
            else
                map[stringKey] = jsValue;
        }
    }
    return map;
}
function stringifyKey(key, jsKey, ctx) {
    if (jsKey === null)
        return '';
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    if (typeof jsKey !== 'object')
        return String(jsKey);
    if (identity.isNode(key) && ctx?.doc) {
        const strCtx = stringify.createStringifyContext(ctx.doc, {});
        strCtx.anchors = new Set();
        for (const node of ctx.anchors.keys())
            strCtx.anchors.add(node.anchor);
        strCtx.inFlow = true;
        strCtx.inStringifyKey = true;
        const strKey = key.toString(strCtx);
        if (!ctx.mapKeyWarned) {
            let jsonStr = JSON.stringify(strKey);
            if (jsonStr.length > 40)
                jsonStr = jsonStr.substring(0, 36) + '..."';
            log.warn(ctx.doc.options.logLevel, `Keys with collection values will be stringified due to JS Object restrictions: ${jsonStr}. Set mapAsMap: true to use object keys.`);
            ctx.mapKeyWarned = true;
        }
        return strKey;
    }
    return JSON.stringify(jsKey);
}

exports.addPairToJSMap = addPairToJSMap;


/***/ }),

/***/ 1127:
/***/ ((__unused_webpack_module, exports) => {



const ALIAS = Symbol.for('yaml.alias');
const DOC = Symbol.for('yaml.document');
const MAP = Symbol.for('yaml.map');
const PAIR = Symbol.for('yaml.pair');
const SCALAR = Symbol.for('yaml.scalar');
const SEQ = Symbol.for('yaml.seq');
const NODE_TYPE = Symbol.for('yaml.node.type');
const isAlias = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === ALIAS;
const isDocument = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === DOC;
const isMap = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === MAP;
const isPair = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === PAIR;
const isScalar = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SCALAR;
const isSeq = (node) => !!node && typeof node === 'object' && node[NODE_TYPE] === SEQ;
function isCollection(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case MAP:
            case SEQ:
                return true;
        }
    return false;
}
function isNode(node) {
    if (node && typeof node === 'object')
        switch (node[NODE_TYPE]) {
            case ALIAS:
            case MAP:
            case SCALAR:
            case SEQ:
                return true;
        }
    return false;
}
const hasAnchor = (node) => (isScalar(node) || isCollection(node)) && !!node.anchor;

exports.ALIAS = ALIAS;
exports.DOC = DOC;
exports.MAP = MAP;
exports.NODE_TYPE = NODE_TYPE;
exports.PAIR = PAIR;
exports.SCALAR = SCALAR;
exports.SEQ = SEQ;
exports.hasAnchor = hasAnchor;
exports.isAlias = isAlias;
exports.isCollection = isCollection;
exports.isDocument = isDocument;
exports.isMap = isMap;
exports.isNode = isNode;
exports.isPair = isPair;
exports.isScalar = isScalar;
exports.isSeq = isSeq;


/***/ }),

/***/ 4043:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

/**
 * Recursively convert any node or its contents to native JavaScript
 *
 * @param value - The input value
 * @param arg - If `value` defines a `toJSON()` method, use this
 *   as its first argument
 * @param ctx - Conversion context, originally set in Document#toJS(). If
 *   `{ keep: true }` is not set, output should be suitable for JSON
 *   stringification.
 */
function toJS(value, arg, ctx) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return
    if (Array.isArray(value))
        return value.map((v, i) => toJS(v, String(i), ctx));
    if (value && typeof value.toJSON === 'function') {
        // eslint-disable-next-line @typescript-eslint/no-unsafe-call
        if (!ctx || !identity.hasAnchor(value))
            return value.toJSON(arg, ctx);
        const data = { aliasCount: 0, count: 1, res: undefined };
        ctx.anchors.set(value, data);
        ctx.onCreate = res => {
            data.res = res;
            delete ctx.onCreate;
        };
        const res = value.toJSON(arg, ctx);
        if (ctx.onCreate)
            ctx.onCreate(res);
        return res;
    }
    if (typeof value === 'bigint' && !ctx?.keep)
        return Number(value);
    return value;
}

exports.toJS = toJS;


/***/ }),

/***/ 110:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var resolveBlockScalar = __nccwpck_require__(8913);
var resolveFlowScalar = __nccwpck_require__(6842);
var errors = __nccwpck_require__(1464);
var stringifyString = __nccwpck_require__(3069);

function resolveAsScalar(token, strict = true, onError) {
    if (token) {
        const _onError = (pos, code, message) => {
            const offset = typeof pos === 'number' ? pos : Array.isArray(pos) ? pos[0] : pos.offset;
            if (onError)
                onError(offset, code, message);
            else
                throw new errors.YAMLParseError([offset, offset + 1], code, message);
        };
        switch (token.type) {
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return resolveFlowScalar.resolveFlowScalar(token, strict, _onError);
            case 'block-scalar':
                return resolveBlockScalar.resolveBlockScalar({ options: { strict } }, token, _onError);
        }
    }
    return null;
}
/**
 * Create a new scalar token with `value`
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.end Comments and whitespace after the end of the value, or after the block scalar header. If undefined, a newline will be added.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.indent The indent level of the token.
 * @param context.inFlow Is this scalar within a flow collection? This may affect the resolved type of the token's value.
 * @param context.offset The offset position of the token.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function createScalarToken(value, context) {
    const { implicitKey = false, indent, inFlow = false, offset = -1, type = 'PLAIN' } = context;
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey,
        indent: indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    const end = context.end ?? [
        { type: 'newline', offset: -1, indent, source: '\n' }
    ];
    switch (source[0]) {
        case '|':
        case '>': {
            const he = source.indexOf('\n');
            const head = source.substring(0, he);
            const body = source.substring(he + 1) + '\n';
            const props = [
                { type: 'block-scalar-header', offset, indent, source: head }
            ];
            if (!addEndtoBlockProps(props, end))
                props.push({ type: 'newline', offset: -1, indent, source: '\n' });
            return { type: 'block-scalar', offset, indent, props, source: body };
        }
        case '"':
            return { type: 'double-quoted-scalar', offset, indent, source, end };
        case "'":
            return { type: 'single-quoted-scalar', offset, indent, source, end };
        default:
            return { type: 'scalar', offset, indent, source, end };
    }
}
/**
 * Set the value of `token` to the given string `value`, overwriting any previous contents and type that it may have.
 *
 * Best efforts are made to retain any comments previously associated with the `token`,
 * though all contents within a collection's `items` will be overwritten.
 *
 * Values that represent an actual string but may be parsed as a different type should use a `type` other than `'PLAIN'`,
 * as this function does not support any schema operations and won't check for such conflicts.
 *
 * @param token Any token. If it does not include an `indent` value, the value will be stringified as if it were an implicit key.
 * @param value The string representation of the value, which will have its content properly indented.
 * @param context.afterKey In most cases, values after a key should have an additional level of indentation.
 * @param context.implicitKey Being within an implicit key may affect the resolved type of the token's value.
 * @param context.inFlow Being within a flow collection may affect the resolved type of the token's value.
 * @param context.type The preferred type of the scalar token. If undefined, the previous type of the `token` will be used, defaulting to `'PLAIN'`.
 */
function setScalarValue(token, value, context = {}) {
    let { afterKey = false, implicitKey = false, inFlow = false, type } = context;
    let indent = 'indent' in token ? token.indent : null;
    if (afterKey && typeof indent === 'number')
        indent += 2;
    if (!type)
        switch (token.type) {
            case 'single-quoted-scalar':
                type = 'QUOTE_SINGLE';
                break;
            case 'double-quoted-scalar':
                type = 'QUOTE_DOUBLE';
                break;
            case 'block-scalar': {
                const header = token.props[0];
                if (header.type !== 'block-scalar-header')
                    throw new Error('Invalid block scalar header');
                type = header.source[0] === '>' ? 'BLOCK_FOLDED' : 'BLOCK_LITERAL';
                break;
            }
            default:
                type = 'PLAIN';
        }
    const source = stringifyString.stringifyString({ type, value }, {
        implicitKey: implicitKey || indent === null,
        indent: indent !== null && indent > 0 ? ' '.repeat(indent) : '',
        inFlow,
        options: { blockQuote: true, lineWidth: -1 }
    });
    switch (source[0]) {
        case '|':
        case '>':
            setBlockScalarValue(token, source);
            break;
        case '"':
            setFlowScalarValue(token, source, 'double-quoted-scalar');
            break;
        case "'":
            setFlowScalarValue(token, source, 'single-quoted-scalar');
            break;
        default:
            setFlowScalarValue(token, source, 'scalar');
    }
}
function setBlockScalarValue(token, source) {
    const he = source.indexOf('\n');
    const head = source.substring(0, he);
    const body = source.substring(he + 1) + '\n';
    if (token.type === 'block-scalar') {
        const header = token.props[0];
        if (header.type !== 'block-scalar-header')
            throw new Error('Invalid block scalar header');
        header.source = head;
        token.source = body;
    }
    else {
        const { offset } = token;
        const indent = 'indent' in token ? token.indent : -1;
        const props = [
            { type: 'block-scalar-header', offset, indent, source: head }
        ];
        if (!addEndtoBlockProps(props, 'end' in token ? token.end : undefined))
            props.push({ type: 'newline', offset: -1, indent, source: '\n' });
        for (const key of Object.keys(token))
            if (key !== 'type' && key !== 'offset')
                delete token[key];
        Object.assign(token, { type: 'block-scalar', indent, props, source: body });
    }
}
/** @returns `true` if last token is a newline */
function addEndtoBlockProps(props, end) {
    if (end)
        for (const st of end)
            switch (st.type) {
                case 'space':
                case 'comment':
                    props.push(st);
                    break;
                case 'newline':
                    props.push(st);
                    return true;
            }
    return false;
}
function setFlowScalarValue(token, source, type) {
    switch (token.type) {
        case 'scalar':
        case 'double-quoted-scalar':
        case 'single-quoted-scalar':
            token.type = type;
            token.source = source;
            break;
        case 'block-scalar': {
            const end = token.props.slice(1);
            let oa = source.length;
            if (token.props[0].type === 'block-scalar-header')
                oa -= token.props[0].source.length;
            for (const tok of end)
                tok.offset += oa;
            delete token.props;
            Object.assign(token, { type, source, end });
            break;
        }
        case 'block-map':
        case 'block-seq': {
            const offset = token.offset + source.length;
            const nl = { type: 'newline', offset, indent: token.indent, source: '\n' };
            delete token.items;
            Object.assign(token, { type, source, end: [nl] });
            break;
        }
        default: {
            const indent = 'indent' in token ? token.indent : -1;
            const end = 'end' in token && Array.isArray(token.end)
                ? token.end.filter(st => st.type === 'space' ||
                    st.type === 'comment' ||
                    st.type === 'newline')
                : [];
            for (const key of Object.keys(token))
                if (key !== 'type' && key !== 'offset')
                    delete token[key];
            Object.assign(token, { type, indent, source, end });
        }
    }
}

exports.createScalarToken = createScalarToken;
exports.resolveAsScalar = resolveAsScalar;
exports.setScalarValue = setScalarValue;


/***/ }),

/***/ 1733:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringify a CST document, token, or collection item
 *
 * Fair warning: This applies no validation whatsoever, and
 * simply concatenates the sources in their logical order.
 */
const stringify = (cst) => 'type' in cst ? stringifyToken(cst) : stringifyItem(cst);
function stringifyToken(token) {
    switch (token.type) {
        case 'block-scalar': {
            let res = '';
            for (const tok of token.props)
                res += stringifyToken(tok);
            return res + token.source;
        }
        case 'block-map':
        case 'block-seq': {
            let res = '';
            for (const item of token.items)
                res += stringifyItem(item);
            return res;
        }
        case 'flow-collection': {
            let res = token.start.source;
            for (const item of token.items)
                res += stringifyItem(item);
            for (const st of token.end)
                res += st.source;
            return res;
        }
        case 'document': {
            let res = stringifyItem(token);
            if (token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
        default: {
            let res = token.source;
            if ('end' in token && token.end)
                for (const st of token.end)
                    res += st.source;
            return res;
        }
    }
}
function stringifyItem({ start, key, sep, value }) {
    let res = '';
    for (const st of start)
        res += st.source;
    if (key)
        res += stringifyToken(key);
    if (sep)
        for (const st of sep)
            res += st.source;
    if (value)
        res += stringifyToken(value);
    return res;
}

exports.stringify = stringify;


/***/ }),

/***/ 7715:
/***/ ((__unused_webpack_module, exports) => {



const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove item');
/**
 * Apply a visitor to a CST document or item.
 *
 * Walks through the tree (depth-first) starting from the root, calling a
 * `visitor` function with two arguments when entering each item:
 *   - `item`: The current item, which included the following members:
 *     - `start: SourceToken[]` – Source tokens before the key or value,
 *       possibly including its anchor or tag.
 *     - `key?: Token | null` – Set for pair values. May then be `null`, if
 *       the key before the `:` separator is empty.
 *     - `sep?: SourceToken[]` – Source tokens between the key and the value,
 *       which should include the `:` map value indicator if `value` is set.
 *     - `value?: Token` – The value of a sequence item, or of a map pair.
 *   - `path`: The steps from the root to the current node, as an array of
 *     `['key' | 'value', number]` tuples.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this token, continue with
 *      next sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current item, then continue with the next one
 *   - `number`: Set the index of the next step. This is useful especially if
 *     the index of the current token has changed.
 *   - `function`: Define the next visitor for this item. After the original
 *     visitor is called on item entry, next visitors are called after handling
 *     a non-empty `key` and when exiting the item.
 */
function visit(cst, visitor) {
    if ('type' in cst && cst.type === 'document')
        cst = { start: cst.start, value: cst.value };
    _visit(Object.freeze([]), cst, visitor);
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current item */
visit.SKIP = SKIP;
/** Remove the current item */
visit.REMOVE = REMOVE;
/** Find the item at `path` from `cst` as the root */
visit.itemAtPath = (cst, path) => {
    let item = cst;
    for (const [field, index] of path) {
        const tok = item?.[field];
        if (tok && 'items' in tok) {
            item = tok.items[index];
        }
        else
            return undefined;
    }
    return item;
};
/**
 * Get the immediate parent collection of the item at `path` from `cst` as the root.
 *
 * Throws an error if the collection is not found, which should never happen if the item itself exists.
 */
visit.parentCollection = (cst, path) => {
    const parent = visit.itemAtPath(cst, path.slice(0, -1));
    const field = path[path.length - 1][0];
    const coll = parent?.[field];
    if (coll && 'items' in coll)
        return coll;
    throw new Error('Parent collection not found');
};
function _visit(path, item, visitor) {
    let ctrl = visitor(item, path);
    if (typeof ctrl === 'symbol')
        return ctrl;
    for (const field of ['key', 'value']) {
        const token = item[field];
        if (token && 'items' in token) {
            for (let i = 0; i < token.items.length; ++i) {
                const ci = _visit(Object.freeze(path.concat([[field, i]])), token.items[i], visitor);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    token.items.splice(i, 1);
                    i -= 1;
                }
            }
            if (typeof ctrl === 'function' && field === 'key')
                ctrl = ctrl(item, path);
        }
    }
    return typeof ctrl === 'function' ? ctrl(item, path) : ctrl;
}

exports.visit = visit;


/***/ }),

/***/ 3461:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cstScalar = __nccwpck_require__(110);
var cstStringify = __nccwpck_require__(1733);
var cstVisit = __nccwpck_require__(7715);

/** The byte order mark */
const BOM = '\u{FEFF}';
/** Start of doc-mode */
const DOCUMENT = '\x02'; // C0: Start of Text
/** Unexpected end of flow-mode */
const FLOW_END = '\x18'; // C0: Cancel
/** Next token is a scalar value */
const SCALAR = '\x1f'; // C0: Unit Separator
/** @returns `true` if `token` is a flow or block collection */
const isCollection = (token) => !!token && 'items' in token;
/** @returns `true` if `token` is a flow or block scalar; not an alias */
const isScalar = (token) => !!token &&
    (token.type === 'scalar' ||
        token.type === 'single-quoted-scalar' ||
        token.type === 'double-quoted-scalar' ||
        token.type === 'block-scalar');
/* istanbul ignore next */
/** Get a printable representation of a lexer token */
function prettyToken(token) {
    switch (token) {
        case BOM:
            return '<BOM>';
        case DOCUMENT:
            return '<DOC>';
        case FLOW_END:
            return '<FLOW_END>';
        case SCALAR:
            return '<SCALAR>';
        default:
            return JSON.stringify(token);
    }
}
/** Identify the type of a lexer token. May return `null` for unknown tokens. */
function tokenType(source) {
    switch (source) {
        case BOM:
            return 'byte-order-mark';
        case DOCUMENT:
            return 'doc-mode';
        case FLOW_END:
            return 'flow-error-end';
        case SCALAR:
            return 'scalar';
        case '---':
            return 'doc-start';
        case '...':
            return 'doc-end';
        case '':
        case '\n':
        case '\r\n':
            return 'newline';
        case '-':
            return 'seq-item-ind';
        case '?':
            return 'explicit-key-ind';
        case ':':
            return 'map-value-ind';
        case '{':
            return 'flow-map-start';
        case '}':
            return 'flow-map-end';
        case '[':
            return 'flow-seq-start';
        case ']':
            return 'flow-seq-end';
        case ',':
            return 'comma';
    }
    switch (source[0]) {
        case ' ':
        case '\t':
            return 'space';
        case '#':
            return 'comment';
        case '%':
            return 'directive-line';
        case '*':
            return 'alias';
        case '&':
            return 'anchor';
        case '!':
            return 'tag';
        case "'":
            return 'single-quoted-scalar';
        case '"':
            return 'double-quoted-scalar';
        case '|':
        case '>':
            return 'block-scalar-header';
    }
    return null;
}

exports.createScalarToken = cstScalar.createScalarToken;
exports.resolveAsScalar = cstScalar.resolveAsScalar;
exports.setScalarValue = cstScalar.setScalarValue;
exports.stringify = cstStringify.stringify;
exports.visit = cstVisit.visit;
exports.BOM = BOM;
exports.DOCUMENT = DOCUMENT;
exports.FLOW_END = FLOW_END;
exports.SCALAR = SCALAR;
exports.isCollection = isCollection;
exports.isScalar = isScalar;
exports.prettyToken = prettyToken;
exports.tokenType = tokenType;


/***/ }),

/***/ 361:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var cst = __nccwpck_require__(3461);

/*
START -> stream

stream
  directive -> line-end -> stream
  indent + line-end -> stream
  [else] -> line-start

line-end
  comment -> line-end
  newline -> .
  input-end -> END

line-start
  doc-start -> doc
  doc-end -> stream
  [else] -> indent -> block-start

block-start
  seq-item-start -> block-start
  explicit-key-start -> block-start
  map-value-start -> block-start
  [else] -> doc

doc
  line-end -> line-start
  spaces -> doc
  anchor -> doc
  tag -> doc
  flow-start -> flow -> doc
  flow-end -> error -> doc
  seq-item-start -> error -> doc
  explicit-key-start -> error -> doc
  map-value-start -> doc
  alias -> doc
  quote-start -> quoted-scalar -> doc
  block-scalar-header -> line-end -> block-scalar(min) -> line-start
  [else] -> plain-scalar(false, min) -> doc

flow
  line-end -> flow
  spaces -> flow
  anchor -> flow
  tag -> flow
  flow-start -> flow -> flow
  flow-end -> .
  seq-item-start -> error -> flow
  explicit-key-start -> flow
  map-value-start -> flow
  alias -> flow
  quote-start -> quoted-scalar -> flow
  comma -> flow
  [else] -> plain-scalar(true, 0) -> flow

quoted-scalar
  quote-end -> .
  [else] -> quoted-scalar

block-scalar(min)
  newline + peek(indent < min) -> .
  [else] -> block-scalar(min)

plain-scalar(is-flow, min)
  scalar-end(is-flow) -> .
  peek(newline + (indent < min)) -> .
  [else] -> plain-scalar(min)
*/
function isEmpty(ch) {
    switch (ch) {
        case undefined:
        case ' ':
        case '\n':
        case '\r':
        case '\t':
            return true;
        default:
            return false;
    }
}
const hexDigits = new Set('0123456789ABCDEFabcdef');
const tagChars = new Set("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-#;/?:@&=+$_.!~*'()");
const flowIndicatorChars = new Set(',[]{}');
const invalidAnchorChars = new Set(' ,[]{}\n\r\t');
const isNotAnchorChar = (ch) => !ch || invalidAnchorChars.has(ch);
/**
 * Splits an input string into lexical tokens, i.e. smaller strings that are
 * easily identifiable by `tokens.tokenType()`.
 *
 * Lexing starts always in a "stream" context. Incomplete input may be buffered
 * until a complete token can be emitted.
 *
 * In addition to slices of the original input, the following control characters
 * may also be emitted:
 *
 * - `\x02` (Start of Text): A document starts with the next token
 * - `\x18` (Cancel): Unexpected end of flow-mode (indicates an error)
 * - `\x1f` (Unit Separator): Next token is a scalar value
 * - `\u{FEFF}` (Byte order mark): Emitted separately outside documents
 */
class Lexer {
    constructor() {
        /**
         * Flag indicating whether the end of the current buffer marks the end of
         * all input
         */
        this.atEnd = false;
        /**
         * Explicit indent set in block scalar header, as an offset from the current
         * minimum indent, so e.g. set to 1 from a header `|2+`. Set to -1 if not
         * explicitly set.
         */
        this.blockScalarIndent = -1;
        /**
         * Block scalars that include a + (keep) chomping indicator in their header
         * include trailing empty lines, which are otherwise excluded from the
         * scalar's contents.
         */
        this.blockScalarKeep = false;
        /** Current input */
        this.buffer = '';
        /**
         * Flag noting whether the map value indicator : can immediately follow this
         * node within a flow context.
         */
        this.flowKey = false;
        /** Count of surrounding flow collection levels. */
        this.flowLevel = 0;
        /**
         * Minimum level of indentation required for next lines to be parsed as a
         * part of the current scalar value.
         */
        this.indentNext = 0;
        /** Indentation level of the current line. */
        this.indentValue = 0;
        /** Position of the next \n character. */
        this.lineEndPos = null;
        /** Stores the state of the lexer if reaching the end of incpomplete input */
        this.next = null;
        /** A pointer to `buffer`; the current position of the lexer. */
        this.pos = 0;
    }
    /**
     * Generate YAML tokens from the `source` string. If `incomplete`,
     * a part of the last line may be left as a buffer for the next call.
     *
     * @returns A generator of lexical tokens
     */
    *lex(source, incomplete = false) {
        if (source) {
            if (typeof source !== 'string')
                throw TypeError('source is not a string');
            this.buffer = this.buffer ? this.buffer + source : source;
            this.lineEndPos = null;
        }
        this.atEnd = !incomplete;
        let next = this.next ?? 'stream';
        while (next && (incomplete || this.hasChars(1)))
            next = yield* this.parseNext(next);
    }
    atLineEnd() {
        let i = this.pos;
        let ch = this.buffer[i];
        while (ch === ' ' || ch === '\t')
            ch = this.buffer[++i];
        if (!ch || ch === '#' || ch === '\n')
            return true;
        if (ch === '\r')
            return this.buffer[i + 1] === '\n';
        return false;
    }
    charAt(n) {
        return this.buffer[this.pos + n];
    }
    continueScalar(offset) {
        let ch = this.buffer[offset];
        if (this.indentNext > 0) {
            let indent = 0;
            while (ch === ' ')
                ch = this.buffer[++indent + offset];
            if (ch === '\r') {
                const next = this.buffer[indent + offset + 1];
                if (next === '\n' || (!next && !this.atEnd))
                    return offset + indent + 1;
            }
            return ch === '\n' || indent >= this.indentNext || (!ch && !this.atEnd)
                ? offset + indent
                : -1;
        }
        if (ch === '-' || ch === '.') {
            const dt = this.buffer.substr(offset, 3);
            if ((dt === '---' || dt === '...') && isEmpty(this.buffer[offset + 3]))
                return -1;
        }
        return offset;
    }
    getLine() {
        let end = this.lineEndPos;
        if (typeof end !== 'number' || (end !== -1 && end < this.pos)) {
            end = this.buffer.indexOf('\n', this.pos);
            this.lineEndPos = end;
        }
        if (end === -1)
            return this.atEnd ? this.buffer.substring(this.pos) : null;
        if (this.buffer[end - 1] === '\r')
            end -= 1;
        return this.buffer.substring(this.pos, end);
    }
    hasChars(n) {
        return this.pos + n <= this.buffer.length;
    }
    setNext(state) {
        this.buffer = this.buffer.substring(this.pos);
        this.pos = 0;
        this.lineEndPos = null;
        this.next = state;
        return null;
    }
    peek(n) {
        return this.buffer.substr(this.pos, n);
    }
    *parseNext(next) {
        switch (next) {
            case 'stream':
                return yield* this.parseStream();
            case 'line-start':
                return yield* this.parseLineStart();
            case 'block-start':
                return yield* this.parseBlockStart();
            case 'doc':
                return yield* this.parseDocument();
            case 'flow':
                return yield* this.parseFlowCollection();
            case 'quoted-scalar':
                return yield* this.parseQuotedScalar();
            case 'block-scalar':
                return yield* this.parseBlockScalar();
            case 'plain-scalar':
                return yield* this.parsePlainScalar();
        }
    }
    *parseStream() {
        let line = this.getLine();
        if (line === null)
            return this.setNext('stream');
        if (line[0] === cst.BOM) {
            yield* this.pushCount(1);
            line = line.substring(1);
        }
        if (line[0] === '%') {
            let dirEnd = line.length;
            let cs = line.indexOf('#');
            while (cs !== -1) {
                const ch = line[cs - 1];
                if (ch === ' ' || ch === '\t') {
                    dirEnd = cs - 1;
                    break;
                }
                else {
                    cs = line.indexOf('#', cs + 1);
                }
            }
            while (true) {
                const ch = line[dirEnd - 1];
                if (ch === ' ' || ch === '\t')
                    dirEnd -= 1;
                else
                    break;
            }
            const n = (yield* this.pushCount(dirEnd)) + (yield* this.pushSpaces(true));
            yield* this.pushCount(line.length - n); // possible comment
            this.pushNewline();
            return 'stream';
        }
        if (this.atLineEnd()) {
            const sp = yield* this.pushSpaces(true);
            yield* this.pushCount(line.length - sp);
            yield* this.pushNewline();
            return 'stream';
        }
        yield cst.DOCUMENT;
        return yield* this.parseLineStart();
    }
    *parseLineStart() {
        const ch = this.charAt(0);
        if (!ch && !this.atEnd)
            return this.setNext('line-start');
        if (ch === '-' || ch === '.') {
            if (!this.atEnd && !this.hasChars(4))
                return this.setNext('line-start');
            const s = this.peek(3);
            if ((s === '---' || s === '...') && isEmpty(this.charAt(3))) {
                yield* this.pushCount(3);
                this.indentValue = 0;
                this.indentNext = 0;
                return s === '---' ? 'doc' : 'stream';
            }
        }
        this.indentValue = yield* this.pushSpaces(false);
        if (this.indentNext > this.indentValue && !isEmpty(this.charAt(1)))
            this.indentNext = this.indentValue;
        return yield* this.parseBlockStart();
    }
    *parseBlockStart() {
        const [ch0, ch1] = this.peek(2);
        if (!ch1 && !this.atEnd)
            return this.setNext('block-start');
        if ((ch0 === '-' || ch0 === '?' || ch0 === ':') && isEmpty(ch1)) {
            const n = (yield* this.pushCount(1)) + (yield* this.pushSpaces(true));
            this.indentNext = this.indentValue + 1;
            this.indentValue += n;
            return 'block-start';
        }
        return 'doc';
    }
    *parseDocument() {
        yield* this.pushSpaces(true);
        const line = this.getLine();
        if (line === null)
            return this.setNext('doc');
        let n = yield* this.pushIndicators();
        switch (line[n]) {
            case '#':
                yield* this.pushCount(line.length - n);
            // fallthrough
            case undefined:
                yield* this.pushNewline();
                return yield* this.parseLineStart();
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel = 1;
                return 'flow';
            case '}':
            case ']':
                // this is an error
                yield* this.pushCount(1);
                return 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'doc';
            case '"':
            case "'":
                return yield* this.parseQuotedScalar();
            case '|':
            case '>':
                n += yield* this.parseBlockScalarHeader();
                n += yield* this.pushSpaces(true);
                yield* this.pushCount(line.length - n);
                yield* this.pushNewline();
                return yield* this.parseBlockScalar();
            default:
                return yield* this.parsePlainScalar();
        }
    }
    *parseFlowCollection() {
        let nl, sp;
        let indent = -1;
        do {
            nl = yield* this.pushNewline();
            if (nl > 0) {
                sp = yield* this.pushSpaces(false);
                this.indentValue = indent = sp;
            }
            else {
                sp = 0;
            }
            sp += yield* this.pushSpaces(true);
        } while (nl + sp > 0);
        const line = this.getLine();
        if (line === null)
            return this.setNext('flow');
        if ((indent !== -1 && indent < this.indentNext && line[0] !== '#') ||
            (indent === 0 &&
                (line.startsWith('---') || line.startsWith('...')) &&
                isEmpty(line[3]))) {
            // Allowing for the terminal ] or } at the same (rather than greater)
            // indent level as the initial [ or { is technically invalid, but
            // failing here would be surprising to users.
            const atFlowEndMarker = indent === this.indentNext - 1 &&
                this.flowLevel === 1 &&
                (line[0] === ']' || line[0] === '}');
            if (!atFlowEndMarker) {
                // this is an error
                this.flowLevel = 0;
                yield cst.FLOW_END;
                return yield* this.parseLineStart();
            }
        }
        let n = 0;
        while (line[n] === ',') {
            n += yield* this.pushCount(1);
            n += yield* this.pushSpaces(true);
            this.flowKey = false;
        }
        n += yield* this.pushIndicators();
        switch (line[n]) {
            case undefined:
                return 'flow';
            case '#':
                yield* this.pushCount(line.length - n);
                return 'flow';
            case '{':
            case '[':
                yield* this.pushCount(1);
                this.flowKey = false;
                this.flowLevel += 1;
                return 'flow';
            case '}':
            case ']':
                yield* this.pushCount(1);
                this.flowKey = true;
                this.flowLevel -= 1;
                return this.flowLevel ? 'flow' : 'doc';
            case '*':
                yield* this.pushUntil(isNotAnchorChar);
                return 'flow';
            case '"':
            case "'":
                this.flowKey = true;
                return yield* this.parseQuotedScalar();
            case ':': {
                const next = this.charAt(1);
                if (this.flowKey || isEmpty(next) || next === ',') {
                    this.flowKey = false;
                    yield* this.pushCount(1);
                    yield* this.pushSpaces(true);
                    return 'flow';
                }
            }
            // fallthrough
            default:
                this.flowKey = false;
                return yield* this.parsePlainScalar();
        }
    }
    *parseQuotedScalar() {
        const quote = this.charAt(0);
        let end = this.buffer.indexOf(quote, this.pos + 1);
        if (quote === "'") {
            while (end !== -1 && this.buffer[end + 1] === "'")
                end = this.buffer.indexOf("'", end + 2);
        }
        else {
            // double-quote
            while (end !== -1) {
                let n = 0;
                while (this.buffer[end - 1 - n] === '\\')
                    n += 1;
                if (n % 2 === 0)
                    break;
                end = this.buffer.indexOf('"', end + 1);
            }
        }
        // Only looking for newlines within the quotes
        const qb = this.buffer.substring(0, end);
        let nl = qb.indexOf('\n', this.pos);
        if (nl !== -1) {
            while (nl !== -1) {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = qb.indexOf('\n', cs);
            }
            if (nl !== -1) {
                // this is an error caused by an unexpected unindent
                end = nl - (qb[nl - 1] === '\r' ? 2 : 1);
            }
        }
        if (end === -1) {
            if (!this.atEnd)
                return this.setNext('quoted-scalar');
            end = this.buffer.length;
        }
        yield* this.pushToIndex(end + 1, false);
        return this.flowLevel ? 'flow' : 'doc';
    }
    *parseBlockScalarHeader() {
        this.blockScalarIndent = -1;
        this.blockScalarKeep = false;
        let i = this.pos;
        while (true) {
            const ch = this.buffer[++i];
            if (ch === '+')
                this.blockScalarKeep = true;
            else if (ch > '0' && ch <= '9')
                this.blockScalarIndent = Number(ch) - 1;
            else if (ch !== '-')
                break;
        }
        return yield* this.pushUntil(ch => isEmpty(ch) || ch === '#');
    }
    *parseBlockScalar() {
        let nl = this.pos - 1; // may be -1 if this.pos === 0
        let indent = 0;
        let ch;
        loop: for (let i = this.pos; (ch = this.buffer[i]); ++i) {
            switch (ch) {
                case ' ':
                    indent += 1;
                    break;
                case '\n':
                    nl = i;
                    indent = 0;
                    break;
                case '\r': {
                    const next = this.buffer[i + 1];
                    if (!next && !this.atEnd)
                        return this.setNext('block-scalar');
                    if (next === '\n')
                        break;
                } // fallthrough
                default:
                    break loop;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('block-scalar');
        if (indent >= this.indentNext) {
            if (this.blockScalarIndent === -1)
                this.indentNext = indent;
            else {
                this.indentNext =
                    this.blockScalarIndent + (this.indentNext === 0 ? 1 : this.indentNext);
            }
            do {
                const cs = this.continueScalar(nl + 1);
                if (cs === -1)
                    break;
                nl = this.buffer.indexOf('\n', cs);
            } while (nl !== -1);
            if (nl === -1) {
                if (!this.atEnd)
                    return this.setNext('block-scalar');
                nl = this.buffer.length;
            }
        }
        // Trailing insufficiently indented tabs are invalid.
        // To catch that during parsing, we include them in the block scalar value.
        let i = nl + 1;
        ch = this.buffer[i];
        while (ch === ' ')
            ch = this.buffer[++i];
        if (ch === '\t') {
            while (ch === '\t' || ch === ' ' || ch === '\r' || ch === '\n')
                ch = this.buffer[++i];
            nl = i - 1;
        }
        else if (!this.blockScalarKeep) {
            do {
                let i = nl - 1;
                let ch = this.buffer[i];
                if (ch === '\r')
                    ch = this.buffer[--i];
                const lastChar = i; // Drop the line if last char not more indented
                while (ch === ' ')
                    ch = this.buffer[--i];
                if (ch === '\n' && i >= this.pos && i + 1 + indent > lastChar)
                    nl = i;
                else
                    break;
            } while (true);
        }
        yield cst.SCALAR;
        yield* this.pushToIndex(nl + 1, true);
        return yield* this.parseLineStart();
    }
    *parsePlainScalar() {
        const inFlow = this.flowLevel > 0;
        let end = this.pos - 1;
        let i = this.pos - 1;
        let ch;
        while ((ch = this.buffer[++i])) {
            if (ch === ':') {
                const next = this.buffer[i + 1];
                if (isEmpty(next) || (inFlow && flowIndicatorChars.has(next)))
                    break;
                end = i;
            }
            else if (isEmpty(ch)) {
                let next = this.buffer[i + 1];
                if (ch === '\r') {
                    if (next === '\n') {
                        i += 1;
                        ch = '\n';
                        next = this.buffer[i + 1];
                    }
                    else
                        end = i;
                }
                if (next === '#' || (inFlow && flowIndicatorChars.has(next)))
                    break;
                if (ch === '\n') {
                    const cs = this.continueScalar(i + 1);
                    if (cs === -1)
                        break;
                    i = Math.max(i, cs - 2); // to advance, but still account for ' #'
                }
            }
            else {
                if (inFlow && flowIndicatorChars.has(ch))
                    break;
                end = i;
            }
        }
        if (!ch && !this.atEnd)
            return this.setNext('plain-scalar');
        yield cst.SCALAR;
        yield* this.pushToIndex(end + 1, true);
        return inFlow ? 'flow' : 'doc';
    }
    *pushCount(n) {
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos += n;
            return n;
        }
        return 0;
    }
    *pushToIndex(i, allowEmpty) {
        const s = this.buffer.slice(this.pos, i);
        if (s) {
            yield s;
            this.pos += s.length;
            return s.length;
        }
        else if (allowEmpty)
            yield '';
        return 0;
    }
    *pushIndicators() {
        let n = 0;
        loop: while (true) {
            switch (this.charAt(0)) {
                case '!':
                    n += yield* this.pushTag();
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '&':
                    n += yield* this.pushUntil(isNotAnchorChar);
                    n += yield* this.pushSpaces(true);
                    continue loop;
                case '-': // this is an error
                case '?': // this is an error outside flow collections
                case ':': {
                    const inFlow = this.flowLevel > 0;
                    const ch1 = this.charAt(1);
                    if (isEmpty(ch1) || (inFlow && flowIndicatorChars.has(ch1))) {
                        if (!inFlow)
                            this.indentNext = this.indentValue + 1;
                        else if (this.flowKey)
                            this.flowKey = false;
                        n += yield* this.pushCount(1);
                        n += yield* this.pushSpaces(true);
                        continue loop;
                    }
                }
            }
            break loop;
        }
        return n;
    }
    *pushTag() {
        if (this.charAt(1) === '<') {
            let i = this.pos + 2;
            let ch = this.buffer[i];
            while (!isEmpty(ch) && ch !== '>')
                ch = this.buffer[++i];
            return yield* this.pushToIndex(ch === '>' ? i + 1 : i, false);
        }
        else {
            let i = this.pos + 1;
            let ch = this.buffer[i];
            while (ch) {
                if (tagChars.has(ch))
                    ch = this.buffer[++i];
                else if (ch === '%' &&
                    hexDigits.has(this.buffer[i + 1]) &&
                    hexDigits.has(this.buffer[i + 2])) {
                    ch = this.buffer[(i += 3)];
                }
                else
                    break;
            }
            return yield* this.pushToIndex(i, false);
        }
    }
    *pushNewline() {
        const ch = this.buffer[this.pos];
        if (ch === '\n')
            return yield* this.pushCount(1);
        else if (ch === '\r' && this.charAt(1) === '\n')
            return yield* this.pushCount(2);
        else
            return 0;
    }
    *pushSpaces(allowTabs) {
        let i = this.pos - 1;
        let ch;
        do {
            ch = this.buffer[++i];
        } while (ch === ' ' || (allowTabs && ch === '\t'));
        const n = i - this.pos;
        if (n > 0) {
            yield this.buffer.substr(this.pos, n);
            this.pos = i;
        }
        return n;
    }
    *pushUntil(test) {
        let i = this.pos;
        let ch = this.buffer[i];
        while (!test(ch))
            ch = this.buffer[++i];
        return yield* this.pushToIndex(i, false);
    }
}

exports.Lexer = Lexer;


/***/ }),

/***/ 6628:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Tracks newlines during parsing in order to provide an efficient API for
 * determining the one-indexed `{ line, col }` position for any offset
 * within the input.
 */
class LineCounter {
    constructor() {
        this.lineStarts = [];
        /**
         * Should be called in ascending order. Otherwise, call
         * `lineCounter.lineStarts.sort()` before calling `linePos()`.
         */
        this.addNewLine = (offset) => this.lineStarts.push(offset);
        /**
         * Performs a binary search and returns the 1-indexed { line, col }
         * position of `offset`. If `line === 0`, `addNewLine` has never been
         * called or `offset` is before the first known newline.
         */
        this.linePos = (offset) => {
            let low = 0;
            let high = this.lineStarts.length;
            while (low < high) {
                const mid = (low + high) >> 1; // Math.floor((low + high) / 2)
                if (this.lineStarts[mid] < offset)
                    low = mid + 1;
                else
                    high = mid;
            }
            if (this.lineStarts[low] === offset)
                return { line: low + 1, col: 1 };
            if (low === 0)
                return { line: 0, col: offset };
            const start = this.lineStarts[low - 1];
            return { line: low, col: offset - start + 1 };
        };
    }
}

exports.LineCounter = LineCounter;


/***/ }),

/***/ 3456:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_process = __nccwpck_require__(932);
var cst = __nccwpck_require__(3461);
var lexer = __nccwpck_require__(361);

function includesToken(list, type) {
    for (let i = 0; i < list.length; ++i)
        if (list[i].type === type)
            return true;
    return false;
}
function findNonEmptyIndex(list) {
    for (let i = 0; i < list.length; ++i) {
        switch (list[i].type) {
            case 'space':
            case 'comment':
            case 'newline':
                break;
            default:
                return i;
        }
    }
    return -1;
}
function isFlowToken(token) {
    switch (token?.type) {
        case 'alias':
        case 'scalar':
        case 'single-quoted-scalar':
        case 'double-quoted-scalar':
        case 'flow-collection':
            return true;
        default:
            return false;
    }
}
function getPrevProps(parent) {
    switch (parent.type) {
        case 'document':
            return parent.start;
        case 'block-map': {
            const it = parent.items[parent.items.length - 1];
            return it.sep ?? it.start;
        }
        case 'block-seq':
            return parent.items[parent.items.length - 1].start;
        /* istanbul ignore next should not happen */
        default:
            return [];
    }
}
/** Note: May modify input array */
function getFirstKeyStartProps(prev) {
    if (prev.length === 0)
        return [];
    let i = prev.length;
    loop: while (--i >= 0) {
        switch (prev[i].type) {
            case 'doc-start':
            case 'explicit-key-ind':
            case 'map-value-ind':
            case 'seq-item-ind':
            case 'newline':
                break loop;
        }
    }
    while (prev[++i]?.type === 'space') {
        /* loop */
    }
    return prev.splice(i, prev.length);
}
function arrayPushArray(target, source) {
    // May exhaust call stack with large `source` array
    if (source.length < 1e5)
        Array.prototype.push.apply(target, source);
    else
        for (let i = 0; i < source.length; ++i)
            target.push(source[i]);
}
function fixFlowSeqItems(fc) {
    if (fc.start.type === 'flow-seq-start') {
        for (const it of fc.items) {
            if (it.sep &&
                !it.value &&
                !includesToken(it.start, 'explicit-key-ind') &&
                !includesToken(it.sep, 'map-value-ind')) {
                if (it.key)
                    it.value = it.key;
                delete it.key;
                if (isFlowToken(it.value)) {
                    if (it.value.end)
                        arrayPushArray(it.value.end, it.sep);
                    else
                        it.value.end = it.sep;
                }
                else
                    arrayPushArray(it.start, it.sep);
                delete it.sep;
            }
        }
    }
}
/**
 * A YAML concrete syntax tree (CST) parser
 *
 * ```ts
 * const src: string = ...
 * for (const token of new Parser().parse(src)) {
 *   // token: Token
 * }
 * ```
 *
 * To use the parser with a user-provided lexer:
 *
 * ```ts
 * function* parse(source: string, lexer: Lexer) {
 *   const parser = new Parser()
 *   for (const lexeme of lexer.lex(source))
 *     yield* parser.next(lexeme)
 *   yield* parser.end()
 * }
 *
 * const src: string = ...
 * const lexer = new Lexer()
 * for (const token of parse(src, lexer)) {
 *   // token: Token
 * }
 * ```
 */
class Parser {
    /**
     * @param onNewLine - If defined, called separately with the start position of
     *   each new line (in `parse()`, including the start of input).
     */
    constructor(onNewLine) {
        /** If true, space and sequence indicators count as indentation */
        this.atNewLine = true;
        /** If true, next token is a scalar value */
        this.atScalar = false;
        /** Current indentation level */
        this.indent = 0;
        /** Current offset since the start of parsing */
        this.offset = 0;
        /** On the same line with a block map key */
        this.onKeyLine = false;
        /** Top indicates the node that's currently being built */
        this.stack = [];
        /** The source of the current token, set in parse() */
        this.source = '';
        /** The type of the current token, set in parse() */
        this.type = '';
        // Must be defined after `next()`
        this.lexer = new lexer.Lexer();
        this.onNewLine = onNewLine;
    }
    /**
     * Parse `source` as a YAML stream.
     * If `incomplete`, a part of the last line may be left as a buffer for the next call.
     *
     * Errors are not thrown, but yielded as `{ type: 'error', message }` tokens.
     *
     * @returns A generator of tokens representing each directive, document, and other structure.
     */
    *parse(source, incomplete = false) {
        if (this.onNewLine && this.offset === 0)
            this.onNewLine(0);
        for (const lexeme of this.lexer.lex(source, incomplete))
            yield* this.next(lexeme);
        if (!incomplete)
            yield* this.end();
    }
    /**
     * Advance the parser by the `source` of one lexical token.
     */
    *next(source) {
        this.source = source;
        if (node_process.env.LOG_TOKENS)
            console.log('|', cst.prettyToken(source));
        if (this.atScalar) {
            this.atScalar = false;
            yield* this.step();
            this.offset += source.length;
            return;
        }
        const type = cst.tokenType(source);
        if (!type) {
            const message = `Not a YAML token: ${source}`;
            yield* this.pop({ type: 'error', offset: this.offset, message, source });
            this.offset += source.length;
        }
        else if (type === 'scalar') {
            this.atNewLine = false;
            this.atScalar = true;
            this.type = 'scalar';
        }
        else {
            this.type = type;
            yield* this.step();
            switch (type) {
                case 'newline':
                    this.atNewLine = true;
                    this.indent = 0;
                    if (this.onNewLine)
                        this.onNewLine(this.offset + source.length);
                    break;
                case 'space':
                    if (this.atNewLine && source[0] === ' ')
                        this.indent += source.length;
                    break;
                case 'explicit-key-ind':
                case 'map-value-ind':
                case 'seq-item-ind':
                    if (this.atNewLine)
                        this.indent += source.length;
                    break;
                case 'doc-mode':
                case 'flow-error-end':
                    return;
                default:
                    this.atNewLine = false;
            }
            this.offset += source.length;
        }
    }
    /** Call at end of input to push out any remaining constructions */
    *end() {
        while (this.stack.length > 0)
            yield* this.pop();
    }
    get sourceToken() {
        const st = {
            type: this.type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
        return st;
    }
    *step() {
        const top = this.peek(1);
        if (this.type === 'doc-end' && top?.type !== 'doc-end') {
            while (this.stack.length > 0)
                yield* this.pop();
            this.stack.push({
                type: 'doc-end',
                offset: this.offset,
                source: this.source
            });
            return;
        }
        if (!top)
            return yield* this.stream();
        switch (top.type) {
            case 'document':
                return yield* this.document(top);
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return yield* this.scalar(top);
            case 'block-scalar':
                return yield* this.blockScalar(top);
            case 'block-map':
                return yield* this.blockMap(top);
            case 'block-seq':
                return yield* this.blockSequence(top);
            case 'flow-collection':
                return yield* this.flowCollection(top);
            case 'doc-end':
                return yield* this.documentEnd(top);
        }
        /* istanbul ignore next should not happen */
        yield* this.pop();
    }
    peek(n) {
        return this.stack[this.stack.length - n];
    }
    *pop(error) {
        const token = error ?? this.stack.pop();
        /* istanbul ignore if should not happen */
        if (!token) {
            const message = 'Tried to pop an empty stack';
            yield { type: 'error', offset: this.offset, source: '', message };
        }
        else if (this.stack.length === 0) {
            yield token;
        }
        else {
            const top = this.peek(1);
            if (token.type === 'block-scalar') {
                // Block scalars use their parent rather than header indent
                token.indent = 'indent' in top ? top.indent : 0;
            }
            else if (token.type === 'flow-collection' && top.type === 'document') {
                // Ignore all indent for top-level flow collections
                token.indent = 0;
            }
            if (token.type === 'flow-collection')
                fixFlowSeqItems(token);
            switch (top.type) {
                case 'document':
                    top.value = token;
                    break;
                case 'block-scalar':
                    top.props.push(token); // error
                    break;
                case 'block-map': {
                    const it = top.items[top.items.length - 1];
                    if (it.value) {
                        top.items.push({ start: [], key: token, sep: [] });
                        this.onKeyLine = true;
                        return;
                    }
                    else if (it.sep) {
                        it.value = token;
                    }
                    else {
                        Object.assign(it, { key: token, sep: [] });
                        this.onKeyLine = !it.explicitKey;
                        return;
                    }
                    break;
                }
                case 'block-seq': {
                    const it = top.items[top.items.length - 1];
                    if (it.value)
                        top.items.push({ start: [], value: token });
                    else
                        it.value = token;
                    break;
                }
                case 'flow-collection': {
                    const it = top.items[top.items.length - 1];
                    if (!it || it.value)
                        top.items.push({ start: [], key: token, sep: [] });
                    else if (it.sep)
                        it.value = token;
                    else
                        Object.assign(it, { key: token, sep: [] });
                    return;
                }
                /* istanbul ignore next should not happen */
                default:
                    yield* this.pop();
                    yield* this.pop(token);
            }
            if ((top.type === 'document' ||
                top.type === 'block-map' ||
                top.type === 'block-seq') &&
                (token.type === 'block-map' || token.type === 'block-seq')) {
                const last = token.items[token.items.length - 1];
                if (last &&
                    !last.sep &&
                    !last.value &&
                    last.start.length > 0 &&
                    findNonEmptyIndex(last.start) === -1 &&
                    (token.indent === 0 ||
                        last.start.every(st => st.type !== 'comment' || st.indent < token.indent))) {
                    if (top.type === 'document')
                        top.end = last.start;
                    else
                        top.items.push({ start: last.start });
                    token.items.splice(-1, 1);
                }
            }
        }
    }
    *stream() {
        switch (this.type) {
            case 'directive-line':
                yield { type: 'directive', offset: this.offset, source: this.source };
                return;
            case 'byte-order-mark':
            case 'space':
            case 'comment':
            case 'newline':
                yield this.sourceToken;
                return;
            case 'doc-mode':
            case 'doc-start': {
                const doc = {
                    type: 'document',
                    offset: this.offset,
                    start: []
                };
                if (this.type === 'doc-start')
                    doc.start.push(this.sourceToken);
                this.stack.push(doc);
                return;
            }
        }
        yield {
            type: 'error',
            offset: this.offset,
            message: `Unexpected ${this.type} token in YAML stream`,
            source: this.source
        };
    }
    *document(doc) {
        if (doc.value)
            return yield* this.lineEnd(doc);
        switch (this.type) {
            case 'doc-start': {
                if (findNonEmptyIndex(doc.start) !== -1) {
                    yield* this.pop();
                    yield* this.step();
                }
                else
                    doc.start.push(this.sourceToken);
                return;
            }
            case 'anchor':
            case 'tag':
            case 'space':
            case 'comment':
            case 'newline':
                doc.start.push(this.sourceToken);
                return;
        }
        const bv = this.startBlockValue(doc);
        if (bv)
            this.stack.push(bv);
        else {
            yield {
                type: 'error',
                offset: this.offset,
                message: `Unexpected ${this.type} token in YAML document`,
                source: this.source
            };
        }
    }
    *scalar(scalar) {
        if (this.type === 'map-value-ind') {
            const prev = getPrevProps(this.peek(2));
            const start = getFirstKeyStartProps(prev);
            let sep;
            if (scalar.end) {
                sep = scalar.end;
                sep.push(this.sourceToken);
                delete scalar.end;
            }
            else
                sep = [this.sourceToken];
            const map = {
                type: 'block-map',
                offset: scalar.offset,
                indent: scalar.indent,
                items: [{ start, key: scalar, sep }]
            };
            this.onKeyLine = true;
            this.stack[this.stack.length - 1] = map;
        }
        else
            yield* this.lineEnd(scalar);
    }
    *blockScalar(scalar) {
        switch (this.type) {
            case 'space':
            case 'comment':
            case 'newline':
                scalar.props.push(this.sourceToken);
                return;
            case 'scalar':
                scalar.source = this.source;
                // block-scalar source includes trailing newline
                this.atNewLine = true;
                this.indent = 0;
                if (this.onNewLine) {
                    let nl = this.source.indexOf('\n') + 1;
                    while (nl !== 0) {
                        this.onNewLine(this.offset + nl);
                        nl = this.source.indexOf('\n', nl) + 1;
                    }
                }
                yield* this.pop();
                break;
            /* istanbul ignore next should not happen */
            default:
                yield* this.pop();
                yield* this.step();
        }
    }
    *blockMap(map) {
        const it = map.items[map.items.length - 1];
        // it.sep is true-ish if pair already has key or : separator
        switch (this.type) {
            case 'newline':
                this.onKeyLine = false;
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    it.start.push(this.sourceToken);
                }
                return;
            case 'space':
            case 'comment':
                if (it.value) {
                    map.items.push({ start: [this.sourceToken] });
                }
                else if (it.sep) {
                    it.sep.push(this.sourceToken);
                }
                else {
                    if (this.atIndentedComment(it.start, map.indent)) {
                        const prev = map.items[map.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            map.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
        }
        if (this.indent >= map.indent) {
            const atMapIndent = !this.onKeyLine && this.indent === map.indent;
            const atNextItem = atMapIndent &&
                (it.sep || it.explicitKey) &&
                this.type !== 'seq-item-ind';
            // For empty nodes, assign newline-separated not indented empty tokens to following node
            let start = [];
            if (atNextItem && it.sep && !it.value) {
                const nl = [];
                for (let i = 0; i < it.sep.length; ++i) {
                    const st = it.sep[i];
                    switch (st.type) {
                        case 'newline':
                            nl.push(i);
                            break;
                        case 'space':
                            break;
                        case 'comment':
                            if (st.indent > map.indent)
                                nl.length = 0;
                            break;
                        default:
                            nl.length = 0;
                    }
                }
                if (nl.length >= 2)
                    start = it.sep.splice(nl[1]);
            }
            switch (this.type) {
                case 'anchor':
                case 'tag':
                    if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        it.sep.push(this.sourceToken);
                    }
                    else {
                        it.start.push(this.sourceToken);
                    }
                    return;
                case 'explicit-key-ind':
                    if (!it.sep && !it.explicitKey) {
                        it.start.push(this.sourceToken);
                        it.explicitKey = true;
                    }
                    else if (atNextItem || it.value) {
                        start.push(this.sourceToken);
                        map.items.push({ start, explicitKey: true });
                    }
                    else {
                        this.stack.push({
                            type: 'block-map',
                            offset: this.offset,
                            indent: this.indent,
                            items: [{ start: [this.sourceToken], explicitKey: true }]
                        });
                    }
                    this.onKeyLine = true;
                    return;
                case 'map-value-ind':
                    if (it.explicitKey) {
                        if (!it.sep) {
                            if (includesToken(it.start, 'newline')) {
                                Object.assign(it, { key: null, sep: [this.sourceToken] });
                            }
                            else {
                                const start = getFirstKeyStartProps(it.start);
                                this.stack.push({
                                    type: 'block-map',
                                    offset: this.offset,
                                    indent: this.indent,
                                    items: [{ start, key: null, sep: [this.sourceToken] }]
                                });
                            }
                        }
                        else if (it.value) {
                            map.items.push({ start: [], key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else if (isFlowToken(it.key) &&
                            !includesToken(it.sep, 'newline')) {
                            const start = getFirstKeyStartProps(it.start);
                            const key = it.key;
                            const sep = it.sep;
                            sep.push(this.sourceToken);
                            // @ts-expect-error type guard is wrong here
                            delete it.key;
                            // @ts-expect-error type guard is wrong here
                            delete it.sep;
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start, key, sep }]
                            });
                        }
                        else if (start.length > 0) {
                            // Not actually at next item
                            it.sep = it.sep.concat(start, this.sourceToken);
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    else {
                        if (!it.sep) {
                            Object.assign(it, { key: null, sep: [this.sourceToken] });
                        }
                        else if (it.value || atNextItem) {
                            map.items.push({ start, key: null, sep: [this.sourceToken] });
                        }
                        else if (includesToken(it.sep, 'map-value-ind')) {
                            this.stack.push({
                                type: 'block-map',
                                offset: this.offset,
                                indent: this.indent,
                                items: [{ start: [], key: null, sep: [this.sourceToken] }]
                            });
                        }
                        else {
                            it.sep.push(this.sourceToken);
                        }
                    }
                    this.onKeyLine = true;
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (atNextItem || it.value) {
                        map.items.push({ start, key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    else if (it.sep) {
                        this.stack.push(fs);
                    }
                    else {
                        Object.assign(it, { key: fs, sep: [] });
                        this.onKeyLine = true;
                    }
                    return;
                }
                default: {
                    const bv = this.startBlockValue(map);
                    if (bv) {
                        if (bv.type === 'block-seq') {
                            if (!it.explicitKey &&
                                it.sep &&
                                !includesToken(it.sep, 'newline')) {
                                yield* this.pop({
                                    type: 'error',
                                    offset: this.offset,
                                    message: 'Unexpected block-seq-ind on same line with key',
                                    source: this.source
                                });
                                return;
                            }
                        }
                        else if (atMapIndent) {
                            map.items.push({ start });
                        }
                        this.stack.push(bv);
                        return;
                    }
                }
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *blockSequence(seq) {
        const it = seq.items[seq.items.length - 1];
        switch (this.type) {
            case 'newline':
                if (it.value) {
                    const end = 'end' in it.value ? it.value.end : undefined;
                    const last = Array.isArray(end) ? end[end.length - 1] : undefined;
                    if (last?.type === 'comment')
                        end?.push(this.sourceToken);
                    else
                        seq.items.push({ start: [this.sourceToken] });
                }
                else
                    it.start.push(this.sourceToken);
                return;
            case 'space':
            case 'comment':
                if (it.value)
                    seq.items.push({ start: [this.sourceToken] });
                else {
                    if (this.atIndentedComment(it.start, seq.indent)) {
                        const prev = seq.items[seq.items.length - 2];
                        const end = prev?.value?.end;
                        if (Array.isArray(end)) {
                            arrayPushArray(end, it.start);
                            end.push(this.sourceToken);
                            seq.items.pop();
                            return;
                        }
                    }
                    it.start.push(this.sourceToken);
                }
                return;
            case 'anchor':
            case 'tag':
                if (it.value || this.indent <= seq.indent)
                    break;
                it.start.push(this.sourceToken);
                return;
            case 'seq-item-ind':
                if (this.indent !== seq.indent)
                    break;
                if (it.value || includesToken(it.start, 'seq-item-ind'))
                    seq.items.push({ start: [this.sourceToken] });
                else
                    it.start.push(this.sourceToken);
                return;
        }
        if (this.indent > seq.indent) {
            const bv = this.startBlockValue(seq);
            if (bv) {
                this.stack.push(bv);
                return;
            }
        }
        yield* this.pop();
        yield* this.step();
    }
    *flowCollection(fc) {
        const it = fc.items[fc.items.length - 1];
        if (this.type === 'flow-error-end') {
            let top;
            do {
                yield* this.pop();
                top = this.peek(1);
            } while (top?.type === 'flow-collection');
        }
        else if (fc.end.length === 0) {
            switch (this.type) {
                case 'comma':
                case 'explicit-key-ind':
                    if (!it || it.sep)
                        fc.items.push({ start: [this.sourceToken] });
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'map-value-ind':
                    if (!it || it.value)
                        fc.items.push({ start: [], key: null, sep: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        Object.assign(it, { key: null, sep: [this.sourceToken] });
                    return;
                case 'space':
                case 'comment':
                case 'newline':
                case 'anchor':
                case 'tag':
                    if (!it || it.value)
                        fc.items.push({ start: [this.sourceToken] });
                    else if (it.sep)
                        it.sep.push(this.sourceToken);
                    else
                        it.start.push(this.sourceToken);
                    return;
                case 'alias':
                case 'scalar':
                case 'single-quoted-scalar':
                case 'double-quoted-scalar': {
                    const fs = this.flowScalar(this.type);
                    if (!it || it.value)
                        fc.items.push({ start: [], key: fs, sep: [] });
                    else if (it.sep)
                        this.stack.push(fs);
                    else
                        Object.assign(it, { key: fs, sep: [] });
                    return;
                }
                case 'flow-map-end':
                case 'flow-seq-end':
                    fc.end.push(this.sourceToken);
                    return;
            }
            const bv = this.startBlockValue(fc);
            /* istanbul ignore else should not happen */
            if (bv)
                this.stack.push(bv);
            else {
                yield* this.pop();
                yield* this.step();
            }
        }
        else {
            const parent = this.peek(2);
            if (parent.type === 'block-map' &&
                ((this.type === 'map-value-ind' && parent.indent === fc.indent) ||
                    (this.type === 'newline' &&
                        !parent.items[parent.items.length - 1].sep))) {
                yield* this.pop();
                yield* this.step();
            }
            else if (this.type === 'map-value-ind' &&
                parent.type !== 'flow-collection') {
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                fixFlowSeqItems(fc);
                const sep = fc.end.splice(1, fc.end.length);
                sep.push(this.sourceToken);
                const map = {
                    type: 'block-map',
                    offset: fc.offset,
                    indent: fc.indent,
                    items: [{ start, key: fc, sep }]
                };
                this.onKeyLine = true;
                this.stack[this.stack.length - 1] = map;
            }
            else {
                yield* this.lineEnd(fc);
            }
        }
    }
    flowScalar(type) {
        if (this.onNewLine) {
            let nl = this.source.indexOf('\n') + 1;
            while (nl !== 0) {
                this.onNewLine(this.offset + nl);
                nl = this.source.indexOf('\n', nl) + 1;
            }
        }
        return {
            type,
            offset: this.offset,
            indent: this.indent,
            source: this.source
        };
    }
    startBlockValue(parent) {
        switch (this.type) {
            case 'alias':
            case 'scalar':
            case 'single-quoted-scalar':
            case 'double-quoted-scalar':
                return this.flowScalar(this.type);
            case 'block-scalar-header':
                return {
                    type: 'block-scalar',
                    offset: this.offset,
                    indent: this.indent,
                    props: [this.sourceToken],
                    source: ''
                };
            case 'flow-map-start':
            case 'flow-seq-start':
                return {
                    type: 'flow-collection',
                    offset: this.offset,
                    indent: this.indent,
                    start: this.sourceToken,
                    items: [],
                    end: []
                };
            case 'seq-item-ind':
                return {
                    type: 'block-seq',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start: [this.sourceToken] }]
                };
            case 'explicit-key-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                start.push(this.sourceToken);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, explicitKey: true }]
                };
            }
            case 'map-value-ind': {
                this.onKeyLine = true;
                const prev = getPrevProps(parent);
                const start = getFirstKeyStartProps(prev);
                return {
                    type: 'block-map',
                    offset: this.offset,
                    indent: this.indent,
                    items: [{ start, key: null, sep: [this.sourceToken] }]
                };
            }
        }
        return null;
    }
    atIndentedComment(start, indent) {
        if (this.type !== 'comment')
            return false;
        if (this.indent <= indent)
            return false;
        return start.every(st => st.type === 'newline' || st.type === 'space');
    }
    *documentEnd(docEnd) {
        if (this.type !== 'doc-mode') {
            if (docEnd.end)
                docEnd.end.push(this.sourceToken);
            else
                docEnd.end = [this.sourceToken];
            if (this.type === 'newline')
                yield* this.pop();
        }
    }
    *lineEnd(token) {
        switch (this.type) {
            case 'comma':
            case 'doc-start':
            case 'doc-end':
            case 'flow-seq-end':
            case 'flow-map-end':
            case 'map-value-ind':
                yield* this.pop();
                yield* this.step();
                break;
            case 'newline':
                this.onKeyLine = false;
            // fallthrough
            case 'space':
            case 'comment':
            default:
                // all other values are errors
                if (token.end)
                    token.end.push(this.sourceToken);
                else
                    token.end = [this.sourceToken];
                if (this.type === 'newline')
                    yield* this.pop();
        }
    }
}

exports.Parser = Parser;


/***/ }),

/***/ 4047:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var composer = __nccwpck_require__(9984);
var Document = __nccwpck_require__(3021);
var errors = __nccwpck_require__(1464);
var log = __nccwpck_require__(7249);
var identity = __nccwpck_require__(1127);
var lineCounter = __nccwpck_require__(6628);
var parser = __nccwpck_require__(3456);

function parseOptions(options) {
    const prettyErrors = options.prettyErrors !== false;
    const lineCounter$1 = options.lineCounter || (prettyErrors && new lineCounter.LineCounter()) || null;
    return { lineCounter: lineCounter$1, prettyErrors };
}
/**
 * Parse the input as a stream of YAML documents.
 *
 * Documents should be separated from each other by `...` or `---` marker lines.
 *
 * @returns If an empty `docs` array is returned, it will be of type
 *   EmptyStream and contain additional stream information. In
 *   TypeScript, you should use `'empty' in docs` as a type guard for it.
 */
function parseAllDocuments(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    const docs = Array.from(composer$1.compose(parser$1.parse(source)));
    if (prettyErrors && lineCounter)
        for (const doc of docs) {
            doc.errors.forEach(errors.prettifyError(source, lineCounter));
            doc.warnings.forEach(errors.prettifyError(source, lineCounter));
        }
    if (docs.length > 0)
        return docs;
    return Object.assign([], { empty: true }, composer$1.streamInfo());
}
/** Parse an input string into a single YAML.Document */
function parseDocument(source, options = {}) {
    const { lineCounter, prettyErrors } = parseOptions(options);
    const parser$1 = new parser.Parser(lineCounter?.addNewLine);
    const composer$1 = new composer.Composer(options);
    // `doc` is always set by compose.end(true) at the very latest
    let doc = null;
    for (const _doc of composer$1.compose(parser$1.parse(source), true, source.length)) {
        if (!doc)
            doc = _doc;
        else if (doc.options.logLevel !== 'silent') {
            doc.errors.push(new errors.YAMLParseError(_doc.range.slice(0, 2), 'MULTIPLE_DOCS', 'Source contains multiple documents; please use YAML.parseAllDocuments()'));
            break;
        }
    }
    if (prettyErrors && lineCounter) {
        doc.errors.forEach(errors.prettifyError(source, lineCounter));
        doc.warnings.forEach(errors.prettifyError(source, lineCounter));
    }
    return doc;
}
function parse(src, reviver, options) {
    let _reviver = undefined;
    if (typeof reviver === 'function') {
        _reviver = reviver;
    }
    else if (options === undefined && reviver && typeof reviver === 'object') {
        options = reviver;
    }
    const doc = parseDocument(src, options);
    if (!doc)
        return null;
    doc.warnings.forEach(warning => log.warn(doc.options.logLevel, warning));
    if (doc.errors.length > 0) {
        if (doc.options.logLevel !== 'silent')
            throw doc.errors[0];
        else
            doc.errors = [];
    }
    return doc.toJS(Object.assign({ reviver: _reviver }, options));
}
function stringify(value, replacer, options) {
    let _replacer = null;
    if (typeof replacer === 'function' || Array.isArray(replacer)) {
        _replacer = replacer;
    }
    else if (options === undefined && replacer) {
        options = replacer;
    }
    if (typeof options === 'string')
        options = options.length;
    if (typeof options === 'number') {
        const indent = Math.round(options);
        options = indent < 1 ? undefined : indent > 8 ? { indent: 8 } : { indent };
    }
    if (value === undefined) {
        const { keepUndefined } = options ?? replacer ?? {};
        if (!keepUndefined)
            return undefined;
    }
    if (identity.isDocument(value) && !_replacer)
        return value.toString(options);
    return new Document.Document(value, _replacer, options).toString(options);
}

exports.parse = parse;
exports.parseAllDocuments = parseAllDocuments;
exports.parseDocument = parseDocument;
exports.stringify = stringify;


/***/ }),

/***/ 5840:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var tags = __nccwpck_require__(18);

const sortMapEntriesByKey = (a, b) => a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
class Schema {
    constructor({ compat, customTags, merge, resolveKnownTags, schema, sortMapEntries, toStringDefaults }) {
        this.compat = Array.isArray(compat)
            ? tags.getTags(compat, 'compat')
            : compat
                ? tags.getTags(null, compat)
                : null;
        this.name = (typeof schema === 'string' && schema) || 'core';
        this.knownTags = resolveKnownTags ? tags.coreKnownTags : {};
        this.tags = tags.getTags(customTags, this.name, merge);
        this.toStringOptions = toStringDefaults ?? null;
        Object.defineProperty(this, identity.MAP, { value: map.map });
        Object.defineProperty(this, identity.SCALAR, { value: string.string });
        Object.defineProperty(this, identity.SEQ, { value: seq.seq });
        // Used by createMap()
        this.sortMapEntries =
            typeof sortMapEntries === 'function'
                ? sortMapEntries
                : sortMapEntries === true
                    ? sortMapEntriesByKey
                    : null;
    }
    clone() {
        const copy = Object.create(Schema.prototype, Object.getOwnPropertyDescriptors(this));
        copy.tags = this.tags.slice();
        return copy;
    }
}

exports.Schema = Schema;


/***/ }),

/***/ 7451:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLMap = __nccwpck_require__(4454);

const map = {
    collection: 'map',
    default: true,
    nodeClass: YAMLMap.YAMLMap,
    tag: 'tag:yaml.org,2002:map',
    resolve(map, onError) {
        if (!identity.isMap(map))
            onError('Expected a mapping for this tag');
        return map;
    },
    createNode: (schema, obj, ctx) => YAMLMap.YAMLMap.from(schema, obj, ctx)
};

exports.map = map;


/***/ }),

/***/ 3632:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const nullTag = {
    identify: value => value == null,
    createNode: () => new Scalar.Scalar(null),
    default: true,
    tag: 'tag:yaml.org,2002:null',
    test: /^(?:~|[Nn]ull|NULL)?$/,
    resolve: () => new Scalar.Scalar(null),
    stringify: ({ source }, ctx) => typeof source === 'string' && nullTag.test.test(source)
        ? source
        : ctx.options.nullStr
};

exports.nullTag = nullTag;


/***/ }),

/***/ 1706:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var YAMLSeq = __nccwpck_require__(2223);

const seq = {
    collection: 'seq',
    default: true,
    nodeClass: YAMLSeq.YAMLSeq,
    tag: 'tag:yaml.org,2002:seq',
    resolve(seq, onError) {
        if (!identity.isSeq(seq))
            onError('Expected a sequence for this tag');
        return seq;
    },
    createNode: (schema, obj, ctx) => YAMLSeq.YAMLSeq.from(schema, obj, ctx)
};

exports.seq = seq;


/***/ }),

/***/ 6464:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyString = __nccwpck_require__(3069);

const string = {
    identify: value => typeof value === 'string',
    default: true,
    tag: 'tag:yaml.org,2002:str',
    resolve: str => str,
    stringify(item, ctx, onComment, onChompKeep) {
        ctx = Object.assign({ actualString: true }, ctx);
        return stringifyString.stringifyString(item, ctx, onComment, onChompKeep);
    }
};

exports.string = string;


/***/ }),

/***/ 3959:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

const boolTag = {
    identify: value => typeof value === 'boolean',
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/,
    resolve: str => new Scalar.Scalar(str[0] === 't' || str[0] === 'T'),
    stringify({ source, value }, ctx) {
        if (source && boolTag.test.test(source)) {
            const sv = source[0] === 't' || source[0] === 'T';
            if (value === sv)
                return source;
        }
        return value ? ctx.options.trueStr : ctx.options.falseStr;
    }
};

exports.boolTag = boolTag;


/***/ }),

/***/ 8405:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: str => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/,
    resolve: str => parseFloat(str),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str));
        const dot = str.indexOf('.');
        if (dot !== -1 && str[str.length - 1] === '0')
            node.minFractionDigits = str.length - dot - 1;
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 9874:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
const intResolve = (str, offset, radix, { intAsBigInt }) => (intAsBigInt ? BigInt(str) : parseInt(str.substring(offset), radix));
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value) && value >= 0)
        return prefix + value.toString(radix);
    return stringifyNumber.stringifyNumber(node);
}
const intOct = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^0o[0-7]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 8, opt),
    stringify: node => intStringify(node, 8, '0o')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: value => intIdentify(value) && value >= 0,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^0x[0-9a-fA-F]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 896:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.boolTag,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float
];

exports.schema = schema;


/***/ }),

/***/ 3559:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var map = __nccwpck_require__(7451);
var seq = __nccwpck_require__(1706);

function intIdentify(value) {
    return typeof value === 'bigint' || Number.isInteger(value);
}
const stringifyJSON = ({ value }) => JSON.stringify(value);
const jsonScalars = [
    {
        identify: value => typeof value === 'string',
        default: true,
        tag: 'tag:yaml.org,2002:str',
        resolve: str => str,
        stringify: stringifyJSON
    },
    {
        identify: value => value == null,
        createNode: () => new Scalar.Scalar(null),
        default: true,
        tag: 'tag:yaml.org,2002:null',
        test: /^null$/,
        resolve: () => null,
        stringify: stringifyJSON
    },
    {
        identify: value => typeof value === 'boolean',
        default: true,
        tag: 'tag:yaml.org,2002:bool',
        test: /^true$|^false$/,
        resolve: str => str === 'true',
        stringify: stringifyJSON
    },
    {
        identify: intIdentify,
        default: true,
        tag: 'tag:yaml.org,2002:int',
        test: /^-?(?:0|[1-9][0-9]*)$/,
        resolve: (str, _onError, { intAsBigInt }) => intAsBigInt ? BigInt(str) : parseInt(str, 10),
        stringify: ({ value }) => intIdentify(value) ? value.toString() : JSON.stringify(value)
    },
    {
        identify: value => typeof value === 'number',
        default: true,
        tag: 'tag:yaml.org,2002:float',
        test: /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$/,
        resolve: str => parseFloat(str),
        stringify: stringifyJSON
    }
];
const jsonError = {
    default: true,
    tag: '',
    test: /^/,
    resolve(str, onError) {
        onError(`Unresolved plain scalar ${JSON.stringify(str)}`);
        return str;
    }
};
const schema = [map.map, seq.seq].concat(jsonScalars, jsonError);

exports.schema = schema;


/***/ }),

/***/ 18:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var bool = __nccwpck_require__(3959);
var float = __nccwpck_require__(8405);
var int = __nccwpck_require__(9874);
var schema = __nccwpck_require__(896);
var schema$1 = __nccwpck_require__(3559);
var binary = __nccwpck_require__(6083);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var schema$2 = __nccwpck_require__(5913);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schemas = new Map([
    ['core', schema.schema],
    ['failsafe', [map.map, seq.seq, string.string]],
    ['json', schema$1.schema],
    ['yaml11', schema$2.schema],
    ['yaml-1.1', schema$2.schema]
]);
const tagsByName = {
    binary: binary.binary,
    bool: bool.boolTag,
    float: float.float,
    floatExp: float.floatExp,
    floatNaN: float.floatNaN,
    floatTime: timestamp.floatTime,
    int: int.int,
    intHex: int.intHex,
    intOct: int.intOct,
    intTime: timestamp.intTime,
    map: map.map,
    merge: merge.merge,
    null: _null.nullTag,
    omap: omap.omap,
    pairs: pairs.pairs,
    seq: seq.seq,
    set: set.set,
    timestamp: timestamp.timestamp
};
const coreKnownTags = {
    'tag:yaml.org,2002:binary': binary.binary,
    'tag:yaml.org,2002:merge': merge.merge,
    'tag:yaml.org,2002:omap': omap.omap,
    'tag:yaml.org,2002:pairs': pairs.pairs,
    'tag:yaml.org,2002:set': set.set,
    'tag:yaml.org,2002:timestamp': timestamp.timestamp
};
function getTags(customTags, schemaName, addMergeTag) {
    const schemaTags = schemas.get(schemaName);
    if (schemaTags && !customTags) {
        return addMergeTag && !schemaTags.includes(merge.merge)
            ? schemaTags.concat(merge.merge)
            : schemaTags.slice();
    }
    let tags = schemaTags;
    if (!tags) {
        if (Array.isArray(customTags))
            tags = [];
        else {
            const keys = Array.from(schemas.keys())
                .filter(key => key !== 'yaml11')
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown schema "${schemaName}"; use one of ${keys} or define customTags array`);
        }
    }
    if (Array.isArray(customTags)) {
        for (const tag of customTags)
            tags = tags.concat(tag);
    }
    else if (typeof customTags === 'function') {
        tags = customTags(tags.slice());
    }
    if (addMergeTag)
        tags = tags.concat(merge.merge);
    return tags.reduce((tags, tag) => {
        const tagObj = typeof tag === 'string' ? tagsByName[tag] : tag;
        if (!tagObj) {
            const tagName = JSON.stringify(tag);
            const keys = Object.keys(tagsByName)
                .map(key => JSON.stringify(key))
                .join(', ');
            throw new Error(`Unknown custom tag ${tagName}; use one of ${keys}`);
        }
        if (!tags.includes(tagObj))
            tags.push(tagObj);
        return tags;
    }, []);
}

exports.coreKnownTags = coreKnownTags;
exports.getTags = getTags;


/***/ }),

/***/ 6083:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var node_buffer = __nccwpck_require__(181);
var Scalar = __nccwpck_require__(3301);
var stringifyString = __nccwpck_require__(3069);

const binary = {
    identify: value => value instanceof Uint8Array, // Buffer inherits from Uint8Array
    default: false,
    tag: 'tag:yaml.org,2002:binary',
    /**
     * Returns a Buffer in node and an Uint8Array in browsers
     *
     * To use the resulting buffer as an image, you'll want to do something like:
     *
     *   const blob = new Blob([buffer], { type: 'image/jpeg' })
     *   document.querySelector('#photo').src = URL.createObjectURL(blob)
     */
    resolve(src, onError) {
        if (typeof node_buffer.Buffer === 'function') {
            return node_buffer.Buffer.from(src, 'base64');
        }
        else if (typeof atob === 'function') {
            // On IE 11, atob() can't handle newlines
            const str = atob(src.replace(/[\n\r]/g, ''));
            const buffer = new Uint8Array(str.length);
            for (let i = 0; i < str.length; ++i)
                buffer[i] = str.charCodeAt(i);
            return buffer;
        }
        else {
            onError('This environment does not support reading binary tags; either Buffer or atob is required');
            return src;
        }
    },
    stringify({ comment, type, value }, ctx, onComment, onChompKeep) {
        if (!value)
            return '';
        const buf = value; // checked earlier by binary.identify()
        let str;
        if (typeof node_buffer.Buffer === 'function') {
            str =
                buf instanceof node_buffer.Buffer
                    ? buf.toString('base64')
                    : node_buffer.Buffer.from(buf.buffer).toString('base64');
        }
        else if (typeof btoa === 'function') {
            let s = '';
            for (let i = 0; i < buf.length; ++i)
                s += String.fromCharCode(buf[i]);
            str = btoa(s);
        }
        else {
            throw new Error('This environment does not support writing binary tags; either Buffer or btoa is required');
        }
        type ?? (type = Scalar.Scalar.BLOCK_LITERAL);
        if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
            const lineWidth = Math.max(ctx.options.lineWidth - ctx.indent.length, ctx.options.minContentWidth);
            const n = Math.ceil(str.length / lineWidth);
            const lines = new Array(n);
            for (let i = 0, o = 0; i < n; ++i, o += lineWidth) {
                lines[i] = str.substr(o, lineWidth);
            }
            str = lines.join(type === Scalar.Scalar.BLOCK_LITERAL ? '\n' : ' ');
        }
        return stringifyString.stringifyString({ comment, type, value: str }, ctx, onComment, onChompKeep);
    }
};

exports.binary = binary;


/***/ }),

/***/ 8398:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);

function boolStringify({ value, source }, ctx) {
    const boolObj = value ? trueTag : falseTag;
    if (source && boolObj.test.test(source))
        return source;
    return value ? ctx.options.trueStr : ctx.options.falseStr;
}
const trueTag = {
    identify: value => value === true,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
    resolve: () => new Scalar.Scalar(true),
    stringify: boolStringify
};
const falseTag = {
    identify: value => value === false,
    default: true,
    tag: 'tag:yaml.org,2002:bool',
    test: /^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
    resolve: () => new Scalar.Scalar(false),
    stringify: boolStringify
};

exports.falseTag = falseTag;
exports.trueTag = trueTag;


/***/ }),

/***/ 5782:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var stringifyNumber = __nccwpck_require__(8689);

const floatNaN = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/,
    resolve: (str) => str.slice(-3).toLowerCase() === 'nan'
        ? NaN
        : str[0] === '-'
            ? Number.NEGATIVE_INFINITY
            : Number.POSITIVE_INFINITY,
    stringify: stringifyNumber.stringifyNumber
};
const floatExp = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'EXP',
    test: /^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/,
    resolve: (str) => parseFloat(str.replace(/_/g, '')),
    stringify(node) {
        const num = Number(node.value);
        return isFinite(num) ? num.toExponential() : stringifyNumber.stringifyNumber(node);
    }
};
const float = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    test: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*$/,
    resolve(str) {
        const node = new Scalar.Scalar(parseFloat(str.replace(/_/g, '')));
        const dot = str.indexOf('.');
        if (dot !== -1) {
            const f = str.substring(dot + 1).replace(/_/g, '');
            if (f[f.length - 1] === '0')
                node.minFractionDigits = f.length;
        }
        return node;
    },
    stringify: stringifyNumber.stringifyNumber
};

exports.float = float;
exports.floatExp = floatExp;
exports.floatNaN = floatNaN;


/***/ }),

/***/ 873:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

const intIdentify = (value) => typeof value === 'bigint' || Number.isInteger(value);
function intResolve(str, offset, radix, { intAsBigInt }) {
    const sign = str[0];
    if (sign === '-' || sign === '+')
        offset += 1;
    str = str.substring(offset).replace(/_/g, '');
    if (intAsBigInt) {
        switch (radix) {
            case 2:
                str = `0b${str}`;
                break;
            case 8:
                str = `0o${str}`;
                break;
            case 16:
                str = `0x${str}`;
                break;
        }
        const n = BigInt(str);
        return sign === '-' ? BigInt(-1) * n : n;
    }
    const n = parseInt(str, radix);
    return sign === '-' ? -1 * n : n;
}
function intStringify(node, radix, prefix) {
    const { value } = node;
    if (intIdentify(value)) {
        const str = value.toString(radix);
        return value < 0 ? '-' + prefix + str.substr(1) : prefix + str;
    }
    return stringifyNumber.stringifyNumber(node);
}
const intBin = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'BIN',
    test: /^[-+]?0b[0-1_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 2, opt),
    stringify: node => intStringify(node, 2, '0b')
};
const intOct = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'OCT',
    test: /^[-+]?0[0-7_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 1, 8, opt),
    stringify: node => intStringify(node, 8, '0')
};
const int = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    test: /^[-+]?[0-9][0-9_]*$/,
    resolve: (str, _onError, opt) => intResolve(str, 0, 10, opt),
    stringify: stringifyNumber.stringifyNumber
};
const intHex = {
    identify: intIdentify,
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'HEX',
    test: /^[-+]?0x[0-9a-fA-F_]+$/,
    resolve: (str, _onError, opt) => intResolve(str, 2, 16, opt),
    stringify: node => intStringify(node, 16, '0x')
};

exports.int = int;
exports.intBin = intBin;
exports.intHex = intHex;
exports.intOct = intOct;


/***/ }),

/***/ 452:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);

// If the value associated with a merge key is a single mapping node, each of
// its key/value pairs is inserted into the current mapping, unless the key
// already exists in it. If the value associated with the merge key is a
// sequence, then this sequence is expected to contain mapping nodes and each
// of these nodes is merged in turn according to its order in the sequence.
// Keys in mapping nodes earlier in the sequence override keys specified in
// later mapping nodes. -- http://yaml.org/type/merge.html
const MERGE_KEY = '<<';
const merge = {
    identify: value => value === MERGE_KEY ||
        (typeof value === 'symbol' && value.description === MERGE_KEY),
    default: 'key',
    tag: 'tag:yaml.org,2002:merge',
    test: /^<<$/,
    resolve: () => Object.assign(new Scalar.Scalar(Symbol(MERGE_KEY)), {
        addToJSMap: addMergeToJSMap
    }),
    stringify: () => MERGE_KEY
};
const isMergeKey = (ctx, key) => (merge.identify(key) ||
    (identity.isScalar(key) &&
        (!key.type || key.type === Scalar.Scalar.PLAIN) &&
        merge.identify(key.value))) &&
    ctx?.doc.schema.tags.some(tag => tag.tag === merge.tag && tag.default);
function addMergeToJSMap(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (identity.isSeq(source))
        for (const it of source.items)
            mergeValue(ctx, map, it);
    else if (Array.isArray(source))
        for (const it of source)
            mergeValue(ctx, map, it);
    else
        mergeValue(ctx, map, source);
}
function mergeValue(ctx, map, value) {
    const source = resolveAliasValue(ctx, value);
    if (!identity.isMap(source))
        throw new Error('Merge sources must be maps or map aliases');
    const srcMap = source.toJSON(null, ctx, Map);
    for (const [key, value] of srcMap) {
        if (map instanceof Map) {
            if (!map.has(key))
                map.set(key, value);
        }
        else if (map instanceof Set) {
            map.add(key);
        }
        else if (!Object.prototype.hasOwnProperty.call(map, key)) {
            Object.defineProperty(map, key, {
                value,
                writable: true,
                enumerable: true,
                configurable: true
            });
        }
    }
    return map;
}
function resolveAliasValue(ctx, value) {
    return ctx && identity.isAlias(value) ? value.resolve(ctx.doc, ctx) : value;
}

exports.addMergeToJSMap = addMergeToJSMap;
exports.isMergeKey = isMergeKey;
exports.merge = merge;


/***/ }),

/***/ 303:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var toJS = __nccwpck_require__(4043);
var YAMLMap = __nccwpck_require__(4454);
var YAMLSeq = __nccwpck_require__(2223);
var pairs = __nccwpck_require__(8385);

class YAMLOMap extends YAMLSeq.YAMLSeq {
    constructor() {
        super();
        this.add = YAMLMap.YAMLMap.prototype.add.bind(this);
        this.delete = YAMLMap.YAMLMap.prototype.delete.bind(this);
        this.get = YAMLMap.YAMLMap.prototype.get.bind(this);
        this.has = YAMLMap.YAMLMap.prototype.has.bind(this);
        this.set = YAMLMap.YAMLMap.prototype.set.bind(this);
        this.tag = YAMLOMap.tag;
    }
    /**
     * If `ctx` is given, the return type is actually `Map<unknown, unknown>`,
     * but TypeScript won't allow widening the signature of a child method.
     */
    toJSON(_, ctx) {
        if (!ctx)
            return super.toJSON(_);
        const map = new Map();
        if (ctx?.onCreate)
            ctx.onCreate(map);
        for (const pair of this.items) {
            let key, value;
            if (identity.isPair(pair)) {
                key = toJS.toJS(pair.key, '', ctx);
                value = toJS.toJS(pair.value, key, ctx);
            }
            else {
                key = toJS.toJS(pair, '', ctx);
            }
            if (map.has(key))
                throw new Error('Ordered maps must not include duplicate keys');
            map.set(key, value);
        }
        return map;
    }
    static from(schema, iterable, ctx) {
        const pairs$1 = pairs.createPairs(schema, iterable, ctx);
        const omap = new this();
        omap.items = pairs$1.items;
        return omap;
    }
}
YAMLOMap.tag = 'tag:yaml.org,2002:omap';
const omap = {
    collection: 'seq',
    identify: value => value instanceof Map,
    nodeClass: YAMLOMap,
    default: false,
    tag: 'tag:yaml.org,2002:omap',
    resolve(seq, onError) {
        const pairs$1 = pairs.resolvePairs(seq, onError);
        const seenKeys = [];
        for (const { key } of pairs$1.items) {
            if (identity.isScalar(key)) {
                if (seenKeys.includes(key.value)) {
                    onError(`Ordered maps must not include duplicate keys: ${key.value}`);
                }
                else {
                    seenKeys.push(key.value);
                }
            }
        }
        return Object.assign(new YAMLOMap(), pairs$1);
    },
    createNode: (schema, iterable, ctx) => YAMLOMap.from(schema, iterable, ctx)
};

exports.YAMLOMap = YAMLOMap;
exports.omap = omap;


/***/ }),

/***/ 8385:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var Scalar = __nccwpck_require__(3301);
var YAMLSeq = __nccwpck_require__(2223);

function resolvePairs(seq, onError) {
    if (identity.isSeq(seq)) {
        for (let i = 0; i < seq.items.length; ++i) {
            let item = seq.items[i];
            if (identity.isPair(item))
                continue;
            else if (identity.isMap(item)) {
                if (item.items.length > 1)
                    onError('Each pair must have its own sequence indicator');
                const pair = item.items[0] || new Pair.Pair(new Scalar.Scalar(null));
                if (item.commentBefore)
                    pair.key.commentBefore = pair.key.commentBefore
                        ? `${item.commentBefore}\n${pair.key.commentBefore}`
                        : item.commentBefore;
                if (item.comment) {
                    const cn = pair.value ?? pair.key;
                    cn.comment = cn.comment
                        ? `${item.comment}\n${cn.comment}`
                        : item.comment;
                }
                item = pair;
            }
            seq.items[i] = identity.isPair(item) ? item : new Pair.Pair(item);
        }
    }
    else
        onError('Expected a sequence for this tag');
    return seq;
}
function createPairs(schema, iterable, ctx) {
    const { replacer } = ctx;
    const pairs = new YAMLSeq.YAMLSeq(schema);
    pairs.tag = 'tag:yaml.org,2002:pairs';
    let i = 0;
    if (iterable && Symbol.iterator in Object(iterable))
        for (let it of iterable) {
            if (typeof replacer === 'function')
                it = replacer.call(iterable, String(i++), it);
            let key, value;
            if (Array.isArray(it)) {
                if (it.length === 2) {
                    key = it[0];
                    value = it[1];
                }
                else
                    throw new TypeError(`Expected [key, value] tuple: ${it}`);
            }
            else if (it && it instanceof Object) {
                const keys = Object.keys(it);
                if (keys.length === 1) {
                    key = keys[0];
                    value = it[key];
                }
                else {
                    throw new TypeError(`Expected tuple with one key, not ${keys.length} keys`);
                }
            }
            else {
                key = it;
            }
            pairs.items.push(Pair.createPair(key, value, ctx));
        }
    return pairs;
}
const pairs = {
    collection: 'seq',
    default: false,
    tag: 'tag:yaml.org,2002:pairs',
    resolve: resolvePairs,
    createNode: createPairs
};

exports.createPairs = createPairs;
exports.pairs = pairs;
exports.resolvePairs = resolvePairs;


/***/ }),

/***/ 5913:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var map = __nccwpck_require__(7451);
var _null = __nccwpck_require__(3632);
var seq = __nccwpck_require__(1706);
var string = __nccwpck_require__(6464);
var binary = __nccwpck_require__(6083);
var bool = __nccwpck_require__(8398);
var float = __nccwpck_require__(5782);
var int = __nccwpck_require__(873);
var merge = __nccwpck_require__(452);
var omap = __nccwpck_require__(303);
var pairs = __nccwpck_require__(8385);
var set = __nccwpck_require__(1528);
var timestamp = __nccwpck_require__(6752);

const schema = [
    map.map,
    seq.seq,
    string.string,
    _null.nullTag,
    bool.trueTag,
    bool.falseTag,
    int.intBin,
    int.intOct,
    int.int,
    int.intHex,
    float.floatNaN,
    float.floatExp,
    float.float,
    binary.binary,
    merge.merge,
    omap.omap,
    pairs.pairs,
    set.set,
    timestamp.intTime,
    timestamp.floatTime,
    timestamp.timestamp
];

exports.schema = schema;


/***/ }),

/***/ 1528:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Pair = __nccwpck_require__(7165);
var YAMLMap = __nccwpck_require__(4454);

class YAMLSet extends YAMLMap.YAMLMap {
    constructor(schema) {
        super(schema);
        this.tag = YAMLSet.tag;
    }
    add(key) {
        let pair;
        if (identity.isPair(key))
            pair = key;
        else if (key &&
            typeof key === 'object' &&
            'key' in key &&
            'value' in key &&
            key.value === null)
            pair = new Pair.Pair(key.key, null);
        else
            pair = new Pair.Pair(key, null);
        const prev = YAMLMap.findPair(this.items, pair.key);
        if (!prev)
            this.items.push(pair);
    }
    /**
     * If `keepPair` is `true`, returns the Pair matching `key`.
     * Otherwise, returns the value of that Pair's key.
     */
    get(key, keepPair) {
        const pair = YAMLMap.findPair(this.items, key);
        return !keepPair && identity.isPair(pair)
            ? identity.isScalar(pair.key)
                ? pair.key.value
                : pair.key
            : pair;
    }
    set(key, value) {
        if (typeof value !== 'boolean')
            throw new Error(`Expected boolean value for set(key, value) in a YAML set, not ${typeof value}`);
        const prev = YAMLMap.findPair(this.items, key);
        if (prev && !value) {
            this.items.splice(this.items.indexOf(prev), 1);
        }
        else if (!prev && value) {
            this.items.push(new Pair.Pair(key));
        }
    }
    toJSON(_, ctx) {
        return super.toJSON(_, ctx, Set);
    }
    toString(ctx, onComment, onChompKeep) {
        if (!ctx)
            return JSON.stringify(this);
        if (this.hasAllNullValues(true))
            return super.toString(Object.assign({}, ctx, { allNullValues: true }), onComment, onChompKeep);
        else
            throw new Error('Set items must all have null values');
    }
    static from(schema, iterable, ctx) {
        const { replacer } = ctx;
        const set = new this(schema);
        if (iterable && Symbol.iterator in Object(iterable))
            for (let value of iterable) {
                if (typeof replacer === 'function')
                    value = replacer.call(iterable, value, value);
                set.items.push(Pair.createPair(value, null, ctx));
            }
        return set;
    }
}
YAMLSet.tag = 'tag:yaml.org,2002:set';
const set = {
    collection: 'map',
    identify: value => value instanceof Set,
    nodeClass: YAMLSet,
    default: false,
    tag: 'tag:yaml.org,2002:set',
    createNode: (schema, iterable, ctx) => YAMLSet.from(schema, iterable, ctx),
    resolve(map, onError) {
        if (identity.isMap(map)) {
            if (map.hasAllNullValues(true))
                return Object.assign(new YAMLSet(), map);
            else
                onError('Set items must all have null values');
        }
        else
            onError('Expected a mapping for this tag');
        return map;
    }
};

exports.YAMLSet = YAMLSet;
exports.set = set;


/***/ }),

/***/ 6752:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var stringifyNumber = __nccwpck_require__(8689);

/** Internal types handle bigint as number, because TS can't figure it out. */
function parseSexagesimal(str, asBigInt) {
    const sign = str[0];
    const parts = sign === '-' || sign === '+' ? str.substring(1) : str;
    const num = (n) => asBigInt ? BigInt(n) : Number(n);
    const res = parts
        .replace(/_/g, '')
        .split(':')
        .reduce((res, p) => res * num(60) + num(p), num(0));
    return (sign === '-' ? num(-1) * res : res);
}
/**
 * hhhh:mm:ss.sss
 *
 * Internal types handle bigint as number, because TS can't figure it out.
 */
function stringifySexagesimal(node) {
    let { value } = node;
    let num = (n) => n;
    if (typeof value === 'bigint')
        num = n => BigInt(n);
    else if (isNaN(value) || !isFinite(value))
        return stringifyNumber.stringifyNumber(node);
    let sign = '';
    if (value < 0) {
        sign = '-';
        value *= num(-1);
    }
    const _60 = num(60);
    const parts = [value % _60]; // seconds, including ms
    if (value < 60) {
        parts.unshift(0); // at least one : is required
    }
    else {
        value = (value - parts[0]) / _60;
        parts.unshift(value % _60); // minutes
        if (value >= 60) {
            value = (value - parts[0]) / _60;
            parts.unshift(value); // hours
        }
    }
    return (sign +
        parts
            .map(n => String(n).padStart(2, '0'))
            .join(':')
            .replace(/000000\d*$/, '') // % 60 may introduce error
    );
}
const intTime = {
    identify: value => typeof value === 'bigint' || Number.isInteger(value),
    default: true,
    tag: 'tag:yaml.org,2002:int',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+$/,
    resolve: (str, _onError, { intAsBigInt }) => parseSexagesimal(str, intAsBigInt),
    stringify: stringifySexagesimal
};
const floatTime = {
    identify: value => typeof value === 'number',
    default: true,
    tag: 'tag:yaml.org,2002:float',
    format: 'TIME',
    test: /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*$/,
    resolve: str => parseSexagesimal(str, false),
    stringify: stringifySexagesimal
};
const timestamp = {
    identify: value => value instanceof Date,
    default: true,
    tag: 'tag:yaml.org,2002:timestamp',
    // If the time zone is omitted, the timestamp is assumed to be specified in UTC. The time part
    // may be omitted altogether, resulting in a date format. In such a case, the time part is
    // assumed to be 00:00:00Z (start of day, UTC).
    test: RegExp('^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})' + // YYYY-Mm-Dd
        '(?:' + // time is optional
        '(?:t|T|[ \\t]+)' + // t | T | whitespace
        '([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2}(\\.[0-9]+)?)' + // Hh:Mm:Ss(.ss)?
        '(?:[ \\t]*(Z|[-+][012]?[0-9](?::[0-9]{2})?))?' + // Z | +5 | -03:30
        ')?$'),
    resolve(str) {
        const match = str.match(timestamp.test);
        if (!match)
            throw new Error('!!timestamp expects a date, starting with yyyy-mm-dd');
        const [, year, month, day, hour, minute, second] = match.map(Number);
        const millisec = match[7] ? Number((match[7] + '00').substr(1, 3)) : 0;
        let date = Date.UTC(year, month - 1, day, hour || 0, minute || 0, second || 0, millisec);
        const tz = match[8];
        if (tz && tz !== 'Z') {
            let d = parseSexagesimal(tz, false);
            if (Math.abs(d) < 30)
                d *= 60;
            date -= 60000 * d;
        }
        return new Date(date);
    },
    stringify: ({ value }) => value?.toISOString().replace(/(T00:00:00)?\.000Z$/, '') ?? ''
};

exports.floatTime = floatTime;
exports.intTime = intTime;
exports.timestamp = timestamp;


/***/ }),

/***/ 4475:
/***/ ((__unused_webpack_module, exports) => {



const FOLD_FLOW = 'flow';
const FOLD_BLOCK = 'block';
const FOLD_QUOTED = 'quoted';
/**
 * Tries to keep input at up to `lineWidth` characters, splitting only on spaces
 * not followed by newlines or spaces unless `mode` is `'quoted'`. Lines are
 * terminated with `\n` and started with `indent`.
 */
function foldFlowLines(text, indent, mode = 'flow', { indentAtStart, lineWidth = 80, minContentWidth = 20, onFold, onOverflow } = {}) {
    if (!lineWidth || lineWidth < 0)
        return text;
    if (lineWidth < minContentWidth)
        minContentWidth = 0;
    const endStep = Math.max(1 + minContentWidth, 1 + lineWidth - indent.length);
    if (text.length <= endStep)
        return text;
    const folds = [];
    const escapedFolds = {};
    let end = lineWidth - indent.length;
    if (typeof indentAtStart === 'number') {
        if (indentAtStart > lineWidth - Math.max(2, minContentWidth))
            folds.push(0);
        else
            end = lineWidth - indentAtStart;
    }
    let split = undefined;
    let prev = undefined;
    let overflow = false;
    let i = -1;
    let escStart = -1;
    let escEnd = -1;
    if (mode === FOLD_BLOCK) {
        i = consumeMoreIndentedLines(text, i, indent.length);
        if (i !== -1)
            end = i + endStep;
    }
    for (let ch; (ch = text[(i += 1)]);) {
        if (mode === FOLD_QUOTED && ch === '\\') {
            escStart = i;
            switch (text[i + 1]) {
                case 'x':
                    i += 3;
                    break;
                case 'u':
                    i += 5;
                    break;
                case 'U':
                    i += 9;
                    break;
                default:
                    i += 1;
            }
            escEnd = i;
        }
        if (ch === '\n') {
            if (mode === FOLD_BLOCK)
                i = consumeMoreIndentedLines(text, i, indent.length);
            end = i + indent.length + endStep;
            split = undefined;
        }
        else {
            if (ch === ' ' &&
                prev &&
                prev !== ' ' &&
                prev !== '\n' &&
                prev !== '\t') {
                // space surrounded by non-space can be replaced with newline + indent
                const next = text[i + 1];
                if (next && next !== ' ' && next !== '\n' && next !== '\t')
                    split = i;
            }
            if (i >= end) {
                if (split) {
                    folds.push(split);
                    end = split + endStep;
                    split = undefined;
                }
                else if (mode === FOLD_QUOTED) {
                    // white-space collected at end may stretch past lineWidth
                    while (prev === ' ' || prev === '\t') {
                        prev = ch;
                        ch = text[(i += 1)];
                        overflow = true;
                    }
                    // Account for newline escape, but don't break preceding escape
                    const j = i > escEnd + 1 ? i - 2 : escStart - 1;
                    // Bail out if lineWidth & minContentWidth are shorter than an escape string
                    if (escapedFolds[j])
                        return text;
                    folds.push(j);
                    escapedFolds[j] = true;
                    end = j + endStep;
                    split = undefined;
                }
                else {
                    overflow = true;
                }
            }
        }
        prev = ch;
    }
    if (overflow && onOverflow)
        onOverflow();
    if (folds.length === 0)
        return text;
    if (onFold)
        onFold();
    let res = text.slice(0, folds[0]);
    for (let i = 0; i < folds.length; ++i) {
        const fold = folds[i];
        const end = folds[i + 1] || text.length;
        if (fold === 0)
            res = `\n${indent}${text.slice(0, end)}`;
        else {
            if (mode === FOLD_QUOTED && escapedFolds[fold])
                res += `${text[fold]}\\`;
            res += `\n${indent}${text.slice(fold + 1, end)}`;
        }
    }
    return res;
}
/**
 * Presumes `i + 1` is at the start of a line
 * @returns index of last newline in more-indented block
 */
function consumeMoreIndentedLines(text, i, indent) {
    let end = i;
    let start = i + 1;
    let ch = text[start];
    while (ch === ' ' || ch === '\t') {
        if (i < start + indent) {
            ch = text[++i];
        }
        else {
            do {
                ch = text[++i];
            } while (ch && ch !== '\n');
            end = i;
            start = i + 1;
            ch = text[start];
        }
    }
    return end;
}

exports.FOLD_BLOCK = FOLD_BLOCK;
exports.FOLD_FLOW = FOLD_FLOW;
exports.FOLD_QUOTED = FOLD_QUOTED;
exports.foldFlowLines = foldFlowLines;


/***/ }),

/***/ 2148:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var anchors = __nccwpck_require__(1596);
var identity = __nccwpck_require__(1127);
var stringifyComment = __nccwpck_require__(9799);
var stringifyString = __nccwpck_require__(3069);

function createStringifyContext(doc, options) {
    const opt = Object.assign({
        blockQuote: true,
        commentString: stringifyComment.stringifyComment,
        defaultKeyType: null,
        defaultStringType: 'PLAIN',
        directives: null,
        doubleQuotedAsJSON: false,
        doubleQuotedMinMultiLineLength: 40,
        falseStr: 'false',
        flowCollectionPadding: true,
        indentSeq: true,
        lineWidth: 80,
        minContentWidth: 20,
        nullStr: 'null',
        simpleKeys: false,
        singleQuote: null,
        trailingComma: false,
        trueStr: 'true',
        verifyAliasOrder: true
    }, doc.schema.toStringOptions, options);
    let inFlow;
    switch (opt.collectionStyle) {
        case 'block':
            inFlow = false;
            break;
        case 'flow':
            inFlow = true;
            break;
        default:
            inFlow = null;
    }
    return {
        anchors: new Set(),
        doc,
        flowCollectionPadding: opt.flowCollectionPadding ? ' ' : '',
        indent: '',
        indentStep: typeof opt.indent === 'number' ? ' '.repeat(opt.indent) : '  ',
        inFlow,
        options: opt
    };
}
function getTagObject(tags, item) {
    if (item.tag) {
        const match = tags.filter(t => t.tag === item.tag);
        if (match.length > 0)
            return match.find(t => t.format === item.format) ?? match[0];
    }
    let tagObj = undefined;
    let obj;
    if (identity.isScalar(item)) {
        obj = item.value;
        let match = tags.filter(t => t.identify?.(obj));
        if (match.length > 1) {
            const testMatch = match.filter(t => t.test);
            if (testMatch.length > 0)
                match = testMatch;
        }
        tagObj =
            match.find(t => t.format === item.format) ?? match.find(t => !t.format);
    }
    else {
        obj = item;
        tagObj = tags.find(t => t.nodeClass && obj instanceof t.nodeClass);
    }
    if (!tagObj) {
        const name = obj?.constructor?.name ?? (obj === null ? 'null' : typeof obj);
        throw new Error(`Tag not resolved for ${name} value`);
    }
    return tagObj;
}
// needs to be called before value stringifier to allow for circular anchor refs
function stringifyProps(node, tagObj, { anchors: anchors$1, doc }) {
    if (!doc.directives)
        return '';
    const props = [];
    const anchor = (identity.isScalar(node) || identity.isCollection(node)) && node.anchor;
    if (anchor && anchors.anchorIsValid(anchor)) {
        anchors$1.add(anchor);
        props.push(`&${anchor}`);
    }
    const tag = node.tag ?? (tagObj.default ? null : tagObj.tag);
    if (tag)
        props.push(doc.directives.tagString(tag));
    return props.join(' ');
}
function stringify(item, ctx, onComment, onChompKeep) {
    if (identity.isPair(item))
        return item.toString(ctx, onComment, onChompKeep);
    if (identity.isAlias(item)) {
        if (ctx.doc.directives)
            return item.toString(ctx);
        if (ctx.resolvedAliases?.has(item)) {
            throw new TypeError(`Cannot stringify circular structure without alias nodes`);
        }
        else {
            if (ctx.resolvedAliases)
                ctx.resolvedAliases.add(item);
            else
                ctx.resolvedAliases = new Set([item]);
            item = item.resolve(ctx.doc);
        }
    }
    let tagObj = undefined;
    const node = identity.isNode(item)
        ? item
        : ctx.doc.createNode(item, { onTagObj: o => (tagObj = o) });
    tagObj ?? (tagObj = getTagObject(ctx.doc.schema.tags, node));
    const props = stringifyProps(node, tagObj, ctx);
    if (props.length > 0)
        ctx.indentAtStart = (ctx.indentAtStart ?? 0) + props.length + 1;
    const str = typeof tagObj.stringify === 'function'
        ? tagObj.stringify(node, ctx, onComment, onChompKeep)
        : identity.isScalar(node)
            ? stringifyString.stringifyString(node, ctx, onComment, onChompKeep)
            : node.toString(ctx, onComment, onChompKeep);
    if (!props)
        return str;
    return identity.isScalar(node) || str[0] === '{' || str[0] === '['
        ? `${props} ${str}`
        : `${props}\n${ctx.indent}${str}`;
}

exports.createStringifyContext = createStringifyContext;
exports.stringify = stringify;


/***/ }),

/***/ 1212:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyCollection(collection, ctx, options) {
    const flow = ctx.inFlow ?? collection.flow;
    const stringify = flow ? stringifyFlowCollection : stringifyBlockCollection;
    return stringify(collection, ctx, options);
}
function stringifyBlockCollection({ comment, items }, ctx, { blockItemPrefix, flowChars, itemIndent, onChompKeep, onComment }) {
    const { indent, options: { commentString } } = ctx;
    const itemCtx = Object.assign({}, ctx, { indent: itemIndent, type: null });
    let chompKeep = false; // flag for the preceding node's status
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (!chompKeep && item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, chompKeep);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (!chompKeep && ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, chompKeep);
            }
        }
        chompKeep = false;
        let str = stringify.stringify(item, itemCtx, () => (comment = null), () => (chompKeep = true));
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        if (chompKeep && comment)
            chompKeep = false;
        lines.push(blockItemPrefix + str);
    }
    let str;
    if (lines.length === 0) {
        str = flowChars.start + flowChars.end;
    }
    else {
        str = lines[0];
        for (let i = 1; i < lines.length; ++i) {
            const line = lines[i];
            str += line ? `\n${indent}${line}` : '\n';
        }
    }
    if (comment) {
        str += '\n' + stringifyComment.indentComment(commentString(comment), indent);
        if (onComment)
            onComment();
    }
    else if (chompKeep && onChompKeep)
        onChompKeep();
    return str;
}
function stringifyFlowCollection({ items }, ctx, { flowChars, itemIndent }) {
    const { indent, indentStep, flowCollectionPadding: fcPadding, options: { commentString } } = ctx;
    itemIndent += indentStep;
    const itemCtx = Object.assign({}, ctx, {
        indent: itemIndent,
        inFlow: true,
        type: null
    });
    let reqNewline = false;
    let linesAtValue = 0;
    const lines = [];
    for (let i = 0; i < items.length; ++i) {
        const item = items[i];
        let comment = null;
        if (identity.isNode(item)) {
            if (item.spaceBefore)
                lines.push('');
            addCommentBefore(ctx, lines, item.commentBefore, false);
            if (item.comment)
                comment = item.comment;
        }
        else if (identity.isPair(item)) {
            const ik = identity.isNode(item.key) ? item.key : null;
            if (ik) {
                if (ik.spaceBefore)
                    lines.push('');
                addCommentBefore(ctx, lines, ik.commentBefore, false);
                if (ik.comment)
                    reqNewline = true;
            }
            const iv = identity.isNode(item.value) ? item.value : null;
            if (iv) {
                if (iv.comment)
                    comment = iv.comment;
                if (iv.commentBefore)
                    reqNewline = true;
            }
            else if (item.value == null && ik?.comment) {
                comment = ik.comment;
            }
        }
        if (comment)
            reqNewline = true;
        let str = stringify.stringify(item, itemCtx, () => (comment = null));
        reqNewline || (reqNewline = lines.length > linesAtValue || str.includes('\n'));
        if (i < items.length - 1) {
            str += ',';
        }
        else if (ctx.options.trailingComma) {
            if (ctx.options.lineWidth > 0) {
                reqNewline || (reqNewline = lines.reduce((sum, line) => sum + line.length + 2, 2) +
                    (str.length + 2) >
                    ctx.options.lineWidth);
            }
            if (reqNewline) {
                str += ',';
            }
        }
        if (comment)
            str += stringifyComment.lineComment(str, itemIndent, commentString(comment));
        lines.push(str);
        linesAtValue = lines.length;
    }
    const { start, end } = flowChars;
    if (lines.length === 0) {
        return start + end;
    }
    else {
        if (!reqNewline) {
            const len = lines.reduce((sum, line) => sum + line.length + 2, 2);
            reqNewline = ctx.options.lineWidth > 0 && len > ctx.options.lineWidth;
        }
        if (reqNewline) {
            let str = start;
            for (const line of lines)
                str += line ? `\n${indentStep}${indent}${line}` : '\n';
            return `${str}\n${indent}${end}`;
        }
        else {
            return `${start}${fcPadding}${lines.join(' ')}${fcPadding}${end}`;
        }
    }
}
function addCommentBefore({ indent, options: { commentString } }, lines, comment, chompKeep) {
    if (comment && chompKeep)
        comment = comment.replace(/^\n+/, '');
    if (comment) {
        const ic = stringifyComment.indentComment(commentString(comment), indent);
        lines.push(ic.trimStart()); // Avoid double indent on first line
    }
}

exports.stringifyCollection = stringifyCollection;


/***/ }),

/***/ 9799:
/***/ ((__unused_webpack_module, exports) => {



/**
 * Stringifies a comment.
 *
 * Empty comment lines are left empty,
 * lines consisting of a single space are replaced by `#`,
 * and all other lines are prefixed with a `#`.
 */
const stringifyComment = (str) => str.replace(/^(?!$)(?: $)?/gm, '#');
function indentComment(comment, indent) {
    if (/^\n+$/.test(comment))
        return comment.substring(1);
    return indent ? comment.replace(/^(?! *$)/gm, indent) : comment;
}
const lineComment = (str, indent, comment) => str.endsWith('\n')
    ? indentComment(comment, indent)
    : comment.includes('\n')
        ? '\n' + indentComment(comment, indent)
        : (str.endsWith(' ') ? '' : ' ') + comment;

exports.indentComment = indentComment;
exports.lineComment = lineComment;
exports.stringifyComment = stringifyComment;


/***/ }),

/***/ 6829:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyDocument(doc, options) {
    const lines = [];
    let hasDirectives = options.directives === true;
    if (options.directives !== false && doc.directives) {
        const dir = doc.directives.toString(doc);
        if (dir) {
            lines.push(dir);
            hasDirectives = true;
        }
        else if (doc.directives.docStart)
            hasDirectives = true;
    }
    if (hasDirectives)
        lines.push('---');
    const ctx = stringify.createStringifyContext(doc, options);
    const { commentString } = ctx.options;
    if (doc.commentBefore) {
        if (lines.length !== 1)
            lines.unshift('');
        const cs = commentString(doc.commentBefore);
        lines.unshift(stringifyComment.indentComment(cs, ''));
    }
    let chompKeep = false;
    let contentComment = null;
    if (doc.contents) {
        if (identity.isNode(doc.contents)) {
            if (doc.contents.spaceBefore && hasDirectives)
                lines.push('');
            if (doc.contents.commentBefore) {
                const cs = commentString(doc.contents.commentBefore);
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            // top-level block scalars need to be indented if followed by a comment
            ctx.forceBlockIndent = !!doc.comment;
            contentComment = doc.contents.comment;
        }
        const onChompKeep = contentComment ? undefined : () => (chompKeep = true);
        let body = stringify.stringify(doc.contents, ctx, () => (contentComment = null), onChompKeep);
        if (contentComment)
            body += stringifyComment.lineComment(body, '', commentString(contentComment));
        if ((body[0] === '|' || body[0] === '>') &&
            lines[lines.length - 1] === '---') {
            // Top-level block scalars with a preceding doc marker ought to use the
            // same line for their header.
            lines[lines.length - 1] = `--- ${body}`;
        }
        else
            lines.push(body);
    }
    else {
        lines.push(stringify.stringify(doc.contents, ctx));
    }
    if (doc.directives?.docEnd) {
        if (doc.comment) {
            const cs = commentString(doc.comment);
            if (cs.includes('\n')) {
                lines.push('...');
                lines.push(stringifyComment.indentComment(cs, ''));
            }
            else {
                lines.push(`... ${cs}`);
            }
        }
        else {
            lines.push('...');
        }
    }
    else {
        let dc = doc.comment;
        if (dc && chompKeep)
            dc = dc.replace(/^\n+/, '');
        if (dc) {
            if ((!chompKeep || contentComment) && lines[lines.length - 1] !== '')
                lines.push('');
            lines.push(stringifyComment.indentComment(commentString(dc), ''));
        }
    }
    return lines.join('\n') + '\n';
}

exports.stringifyDocument = stringifyDocument;


/***/ }),

/***/ 8689:
/***/ ((__unused_webpack_module, exports) => {



function stringifyNumber({ format, minFractionDigits, tag, value }) {
    if (typeof value === 'bigint')
        return String(value);
    const num = typeof value === 'number' ? value : Number(value);
    if (!isFinite(num))
        return isNaN(num) ? '.nan' : num < 0 ? '-.inf' : '.inf';
    let n = Object.is(value, -0) ? '-0' : JSON.stringify(value);
    if (!format &&
        minFractionDigits &&
        (!tag || tag === 'tag:yaml.org,2002:float') &&
        /^-?\d/.test(n) &&
        !n.includes('e')) {
        let i = n.indexOf('.');
        if (i < 0) {
            i = n.length;
            n += '.';
        }
        let d = minFractionDigits - (n.length - i - 1);
        while (d-- > 0)
            n += '0';
    }
    return n;
}

exports.stringifyNumber = stringifyNumber;


/***/ }),

/***/ 9748:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);
var Scalar = __nccwpck_require__(3301);
var stringify = __nccwpck_require__(2148);
var stringifyComment = __nccwpck_require__(9799);

function stringifyPair({ key, value }, ctx, onComment, onChompKeep) {
    const { allNullValues, doc, indent, indentStep, options: { commentString, indentSeq, simpleKeys } } = ctx;
    let keyComment = (identity.isNode(key) && key.comment) || null;
    if (simpleKeys) {
        if (keyComment) {
            throw new Error('With simple keys, key nodes cannot have comments');
        }
        if (identity.isCollection(key) || (!identity.isNode(key) && typeof key === 'object')) {
            const msg = 'With simple keys, collection cannot be used as a key value';
            throw new Error(msg);
        }
    }
    let explicitKey = !simpleKeys &&
        (!key ||
            (keyComment && value == null && !ctx.inFlow) ||
            identity.isCollection(key) ||
            (identity.isScalar(key)
                ? key.type === Scalar.Scalar.BLOCK_FOLDED || key.type === Scalar.Scalar.BLOCK_LITERAL
                : typeof key === 'object'));
    ctx = Object.assign({}, ctx, {
        allNullValues: false,
        implicitKey: !explicitKey && (simpleKeys || !allNullValues),
        indent: indent + indentStep
    });
    let keyCommentDone = false;
    let chompKeep = false;
    let str = stringify.stringify(key, ctx, () => (keyCommentDone = true), () => (chompKeep = true));
    if (!explicitKey && !ctx.inFlow && str.length > 1024) {
        if (simpleKeys)
            throw new Error('With simple keys, single line scalar must not span more than 1024 characters');
        explicitKey = true;
    }
    if (ctx.inFlow) {
        if (allNullValues || value == null) {
            if (keyCommentDone && onComment)
                onComment();
            return str === '' ? '?' : explicitKey ? `? ${str}` : str;
        }
    }
    else if ((allNullValues && !simpleKeys) || (value == null && explicitKey)) {
        str = `? ${str}`;
        if (keyComment && !keyCommentDone) {
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        }
        else if (chompKeep && onChompKeep)
            onChompKeep();
        return str;
    }
    if (keyCommentDone)
        keyComment = null;
    if (explicitKey) {
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
        str = `? ${str}\n${indent}:`;
    }
    else {
        str = `${str}:`;
        if (keyComment)
            str += stringifyComment.lineComment(str, ctx.indent, commentString(keyComment));
    }
    let vsb, vcb, valueComment;
    if (identity.isNode(value)) {
        vsb = !!value.spaceBefore;
        vcb = value.commentBefore;
        valueComment = value.comment;
    }
    else {
        vsb = false;
        vcb = null;
        valueComment = null;
        if (value && typeof value === 'object')
            value = doc.createNode(value);
    }
    ctx.implicitKey = false;
    if (!explicitKey && !keyComment && identity.isScalar(value))
        ctx.indentAtStart = str.length + 1;
    chompKeep = false;
    if (!indentSeq &&
        indentStep.length >= 2 &&
        !ctx.inFlow &&
        !explicitKey &&
        identity.isSeq(value) &&
        !value.flow &&
        !value.tag &&
        !value.anchor) {
        // If indentSeq === false, consider '- ' as part of indentation where possible
        ctx.indent = ctx.indent.substring(2);
    }
    let valueCommentDone = false;
    const valueStr = stringify.stringify(value, ctx, () => (valueCommentDone = true), () => (chompKeep = true));
    let ws = ' ';
    if (keyComment || vsb || vcb) {
        ws = vsb ? '\n' : '';
        if (vcb) {
            const cs = commentString(vcb);
            ws += `\n${stringifyComment.indentComment(cs, ctx.indent)}`;
        }
        if (valueStr === '' && !ctx.inFlow) {
            if (ws === '\n' && valueComment)
                ws = '\n\n';
        }
        else {
            ws += `\n${ctx.indent}`;
        }
    }
    else if (!explicitKey && identity.isCollection(value)) {
        const vs0 = valueStr[0];
        const nl0 = valueStr.indexOf('\n');
        const hasNewline = nl0 !== -1;
        const flow = ctx.inFlow ?? value.flow ?? value.items.length === 0;
        if (hasNewline || !flow) {
            let hasPropsLine = false;
            if (hasNewline && (vs0 === '&' || vs0 === '!')) {
                let sp0 = valueStr.indexOf(' ');
                if (vs0 === '&' &&
                    sp0 !== -1 &&
                    sp0 < nl0 &&
                    valueStr[sp0 + 1] === '!') {
                    sp0 = valueStr.indexOf(' ', sp0 + 1);
                }
                if (sp0 === -1 || nl0 < sp0)
                    hasPropsLine = true;
            }
            if (!hasPropsLine)
                ws = `\n${ctx.indent}`;
        }
    }
    else if (valueStr === '' || valueStr[0] === '\n') {
        ws = '';
    }
    str += ws + valueStr;
    if (ctx.inFlow) {
        if (valueCommentDone && onComment)
            onComment();
    }
    else if (valueComment && !valueCommentDone) {
        str += stringifyComment.lineComment(str, ctx.indent, commentString(valueComment));
    }
    else if (chompKeep && onChompKeep) {
        onChompKeep();
    }
    return str;
}

exports.stringifyPair = stringifyPair;


/***/ }),

/***/ 3069:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var Scalar = __nccwpck_require__(3301);
var foldFlowLines = __nccwpck_require__(4475);

const getFoldOptions = (ctx, isBlock) => ({
    indentAtStart: isBlock ? ctx.indent.length : ctx.indentAtStart,
    lineWidth: ctx.options.lineWidth,
    minContentWidth: ctx.options.minContentWidth
});
// Also checks for lines starting with %, as parsing the output as YAML 1.1 will
// presume that's starting a new document.
const containsDocumentMarker = (str) => /^(%|---|\.\.\.)/m.test(str);
function lineLengthOverLimit(str, lineWidth, indentLength) {
    if (!lineWidth || lineWidth < 0)
        return false;
    const limit = lineWidth - indentLength;
    const strLen = str.length;
    if (strLen <= limit)
        return false;
    for (let i = 0, start = 0; i < strLen; ++i) {
        if (str[i] === '\n') {
            if (i - start > limit)
                return true;
            start = i + 1;
            if (strLen - start <= limit)
                return false;
        }
    }
    return true;
}
function doubleQuotedString(value, ctx) {
    const json = JSON.stringify(value);
    if (ctx.options.doubleQuotedAsJSON)
        return json;
    const { implicitKey } = ctx;
    const minMultiLineLength = ctx.options.doubleQuotedMinMultiLineLength;
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    let str = '';
    let start = 0;
    for (let i = 0, ch = json[i]; ch; ch = json[++i]) {
        if (ch === ' ' && json[i + 1] === '\\' && json[i + 2] === 'n') {
            // space before newline needs to be escaped to not be folded
            str += json.slice(start, i) + '\\ ';
            i += 1;
            start = i;
            ch = '\\';
        }
        if (ch === '\\')
            switch (json[i + 1]) {
                case 'u':
                    {
                        str += json.slice(start, i);
                        const code = json.substr(i + 2, 4);
                        switch (code) {
                            case '0000':
                                str += '\\0';
                                break;
                            case '0007':
                                str += '\\a';
                                break;
                            case '000b':
                                str += '\\v';
                                break;
                            case '001b':
                                str += '\\e';
                                break;
                            case '0085':
                                str += '\\N';
                                break;
                            case '00a0':
                                str += '\\_';
                                break;
                            case '2028':
                                str += '\\L';
                                break;
                            case '2029':
                                str += '\\P';
                                break;
                            default:
                                if (code.substr(0, 2) === '00')
                                    str += '\\x' + code.substr(2);
                                else
                                    str += json.substr(i, 6);
                        }
                        i += 5;
                        start = i + 1;
                    }
                    break;
                case 'n':
                    if (implicitKey ||
                        json[i + 2] === '"' ||
                        json.length < minMultiLineLength) {
                        i += 1;
                    }
                    else {
                        // folding will eat first newline
                        str += json.slice(start, i) + '\n\n';
                        while (json[i + 2] === '\\' &&
                            json[i + 3] === 'n' &&
                            json[i + 4] !== '"') {
                            str += '\n';
                            i += 2;
                        }
                        str += indent;
                        // space after newline needs to be escaped to not be folded
                        if (json[i + 2] === ' ')
                            str += '\\';
                        i += 1;
                        start = i + 1;
                    }
                    break;
                default:
                    i += 1;
            }
    }
    str = start ? str + json.slice(start) : json;
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_QUOTED, getFoldOptions(ctx, false));
}
function singleQuotedString(value, ctx) {
    if (ctx.options.singleQuote === false ||
        (ctx.implicitKey && value.includes('\n')) ||
        /[ \t]\n|\n[ \t]/.test(value) // single quoted string can't have leading or trailing whitespace around newline
    )
        return doubleQuotedString(value, ctx);
    const indent = ctx.indent || (containsDocumentMarker(value) ? '  ' : '');
    const res = "'" + value.replace(/'/g, "''").replace(/\n+/g, `$&\n${indent}`) + "'";
    return ctx.implicitKey
        ? res
        : foldFlowLines.foldFlowLines(res, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function quotedString(value, ctx) {
    const { singleQuote } = ctx.options;
    let qs;
    if (singleQuote === false)
        qs = doubleQuotedString;
    else {
        const hasDouble = value.includes('"');
        const hasSingle = value.includes("'");
        if (hasDouble && !hasSingle)
            qs = singleQuotedString;
        else if (hasSingle && !hasDouble)
            qs = doubleQuotedString;
        else
            qs = singleQuote ? singleQuotedString : doubleQuotedString;
    }
    return qs(value, ctx);
}
// The negative lookbehind avoids a polynomial search,
// but isn't supported yet on Safari: https://caniuse.com/js-regexp-lookbehind
let blockEndNewlines;
try {
    blockEndNewlines = new RegExp('(^|(?<!\n))\n+(?!\n|$)', 'g');
}
catch {
    blockEndNewlines = /\n+(?!\n|$)/g;
}
function blockString({ comment, type, value }, ctx, onComment, onChompKeep) {
    const { blockQuote, commentString, lineWidth } = ctx.options;
    // 1. Block can't end in whitespace unless the last line is non-empty.
    // 2. Strings consisting of only whitespace are best rendered explicitly.
    if (!blockQuote || /\n[\t ]+$/.test(value)) {
        return quotedString(value, ctx);
    }
    const indent = ctx.indent ||
        (ctx.forceBlockIndent || containsDocumentMarker(value) ? '  ' : '');
    const literal = blockQuote === 'literal'
        ? true
        : blockQuote === 'folded' || type === Scalar.Scalar.BLOCK_FOLDED
            ? false
            : type === Scalar.Scalar.BLOCK_LITERAL
                ? true
                : !lineLengthOverLimit(value, lineWidth, indent.length);
    if (!value)
        return literal ? '|\n' : '>\n';
    // determine chomping from whitespace at value end
    let chomp;
    let endStart;
    for (endStart = value.length; endStart > 0; --endStart) {
        const ch = value[endStart - 1];
        if (ch !== '\n' && ch !== '\t' && ch !== ' ')
            break;
    }
    let end = value.substring(endStart);
    const endNlPos = end.indexOf('\n');
    if (endNlPos === -1) {
        chomp = '-'; // strip
    }
    else if (value === end || endNlPos !== end.length - 1) {
        chomp = '+'; // keep
        if (onChompKeep)
            onChompKeep();
    }
    else {
        chomp = ''; // clip
    }
    if (end) {
        value = value.slice(0, -end.length);
        if (end[end.length - 1] === '\n')
            end = end.slice(0, -1);
        end = end.replace(blockEndNewlines, `$&${indent}`);
    }
    // determine indent indicator from whitespace at value start
    let startWithSpace = false;
    let startEnd;
    let startNlPos = -1;
    for (startEnd = 0; startEnd < value.length; ++startEnd) {
        const ch = value[startEnd];
        if (ch === ' ')
            startWithSpace = true;
        else if (ch === '\n')
            startNlPos = startEnd;
        else
            break;
    }
    let start = value.substring(0, startNlPos < startEnd ? startNlPos + 1 : startEnd);
    if (start) {
        value = value.substring(start.length);
        start = start.replace(/\n+/g, `$&${indent}`);
    }
    const indentSize = indent ? '2' : '1'; // root is at -1
    // Leading | or > is added later
    let header = (startWithSpace ? indentSize : '') + chomp;
    if (comment) {
        header += ' ' + commentString(comment.replace(/ ?[\r\n]+/g, ' '));
        if (onComment)
            onComment();
    }
    if (!literal) {
        const foldedValue = value
            .replace(/\n+/g, '\n$&')
            .replace(/(?:^|\n)([\t ].*)(?:([\n\t ]*)\n(?![\n\t ]))?/g, '$1$2') // more-indented lines aren't folded
            //                ^ more-ind. ^ empty     ^ capture next empty lines only at end of indent
            .replace(/\n+/g, `$&${indent}`);
        let literalFallback = false;
        const foldOptions = getFoldOptions(ctx, true);
        if (blockQuote !== 'folded' && type !== Scalar.Scalar.BLOCK_FOLDED) {
            foldOptions.onOverflow = () => {
                literalFallback = true;
            };
        }
        const body = foldFlowLines.foldFlowLines(`${start}${foldedValue}${end}`, indent, foldFlowLines.FOLD_BLOCK, foldOptions);
        if (!literalFallback)
            return `>${header}\n${indent}${body}`;
    }
    value = value.replace(/\n+/g, `$&${indent}`);
    return `|${header}\n${indent}${start}${value}${end}`;
}
function plainString(item, ctx, onComment, onChompKeep) {
    const { type, value } = item;
    const { actualString, implicitKey, indent, indentStep, inFlow } = ctx;
    if ((implicitKey && value.includes('\n')) ||
        (inFlow && /[[\]{},]/.test(value))) {
        return quotedString(value, ctx);
    }
    if (/^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/.test(value)) {
        // not allowed:
        // - '-' or '?'
        // - start with an indicator character (except [?:-]) or /[?-] /
        // - '\n ', ': ' or ' \n' anywhere
        // - '#' not preceded by a non-space char
        // - end with ' ' or ':'
        return implicitKey || inFlow || !value.includes('\n')
            ? quotedString(value, ctx)
            : blockString(item, ctx, onComment, onChompKeep);
    }
    if (!implicitKey &&
        !inFlow &&
        type !== Scalar.Scalar.PLAIN &&
        value.includes('\n')) {
        // Where allowed & type not set explicitly, prefer block style for multiline strings
        return blockString(item, ctx, onComment, onChompKeep);
    }
    if (containsDocumentMarker(value)) {
        if (indent === '') {
            ctx.forceBlockIndent = true;
            return blockString(item, ctx, onComment, onChompKeep);
        }
        else if (implicitKey && indent === indentStep) {
            return quotedString(value, ctx);
        }
    }
    const str = value.replace(/\n+/g, `$&\n${indent}`);
    // Verify that output will be parsed as a string, as e.g. plain numbers and
    // booleans get parsed with those types in v1.2 (e.g. '42', 'true' & '0.9e-3'),
    // and others in v1.1.
    if (actualString) {
        const test = (tag) => tag.default && tag.tag !== 'tag:yaml.org,2002:str' && tag.test?.test(str);
        const { compat, tags } = ctx.doc.schema;
        if (tags.some(test) || compat?.some(test))
            return quotedString(value, ctx);
    }
    return implicitKey
        ? str
        : foldFlowLines.foldFlowLines(str, indent, foldFlowLines.FOLD_FLOW, getFoldOptions(ctx, false));
}
function stringifyString(item, ctx, onComment, onChompKeep) {
    const { implicitKey, inFlow } = ctx;
    const ss = typeof item.value === 'string'
        ? item
        : Object.assign({}, item, { value: String(item.value) });
    let { type } = item;
    if (type !== Scalar.Scalar.QUOTE_DOUBLE) {
        // force double quotes on control characters & unpaired surrogates
        if (/[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u.test(ss.value))
            type = Scalar.Scalar.QUOTE_DOUBLE;
    }
    const _stringify = (_type) => {
        switch (_type) {
            case Scalar.Scalar.BLOCK_FOLDED:
            case Scalar.Scalar.BLOCK_LITERAL:
                return implicitKey || inFlow
                    ? quotedString(ss.value, ctx) // blocks are not valid inside flow containers
                    : blockString(ss, ctx, onComment, onChompKeep);
            case Scalar.Scalar.QUOTE_DOUBLE:
                return doubleQuotedString(ss.value, ctx);
            case Scalar.Scalar.QUOTE_SINGLE:
                return singleQuotedString(ss.value, ctx);
            case Scalar.Scalar.PLAIN:
                return plainString(ss, ctx, onComment, onChompKeep);
            default:
                return null;
        }
    };
    let res = _stringify(type);
    if (res === null) {
        const { defaultKeyType, defaultStringType } = ctx.options;
        const t = (implicitKey && defaultKeyType) || defaultStringType;
        res = _stringify(t);
        if (res === null)
            throw new Error(`Unsupported default string type ${t}`);
    }
    return res;
}

exports.stringifyString = stringifyString;


/***/ }),

/***/ 204:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {



var identity = __nccwpck_require__(1127);

const BREAK = Symbol('break visit');
const SKIP = Symbol('skip children');
const REMOVE = Symbol('remove node');
/**
 * Apply a visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
function visit(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = visit_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        visit_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visit.BREAK = BREAK;
/** Do not visit the children of the current node */
visit.SKIP = SKIP;
/** Remove the current node */
visit.REMOVE = REMOVE;
function visit_(key, node, visitor, path) {
    const ctrl = callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visit_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = visit_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = visit_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = visit_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
/**
 * Apply an async visitor to an AST node or document.
 *
 * Walks through the tree (depth-first) starting from `node`, calling a
 * `visitor` function with three arguments:
 *   - `key`: For sequence values and map `Pair`, the node's index in the
 *     collection. Within a `Pair`, `'key'` or `'value'`, correspondingly.
 *     `null` for the root node.
 *   - `node`: The current node.
 *   - `path`: The ancestry of the current node.
 *
 * The return value of the visitor may be used to control the traversal:
 *   - `Promise`: Must resolve to one of the following values
 *   - `undefined` (default): Do nothing and continue
 *   - `visit.SKIP`: Do not visit the children of this node, continue with next
 *     sibling
 *   - `visit.BREAK`: Terminate traversal completely
 *   - `visit.REMOVE`: Remove the current node, then continue with the next one
 *   - `Node`: Replace the current node, then continue by visiting it
 *   - `number`: While iterating the items of a sequence or map, set the index
 *     of the next step. This is useful especially if the index of the current
 *     node has changed.
 *
 * If `visitor` is a single function, it will be called with all values
 * encountered in the tree, including e.g. `null` values. Alternatively,
 * separate visitor functions may be defined for each `Map`, `Pair`, `Seq`,
 * `Alias` and `Scalar` node. To define the same visitor function for more than
 * one node type, use the `Collection` (map and seq), `Value` (map, seq & scalar)
 * and `Node` (alias, map, seq & scalar) targets. Of all these, only the most
 * specific defined one will be used for each node.
 */
async function visitAsync(node, visitor) {
    const visitor_ = initVisitor(visitor);
    if (identity.isDocument(node)) {
        const cd = await visitAsync_(null, node.contents, visitor_, Object.freeze([node]));
        if (cd === REMOVE)
            node.contents = null;
    }
    else
        await visitAsync_(null, node, visitor_, Object.freeze([]));
}
// Without the `as symbol` casts, TS declares these in the `visit`
// namespace using `var`, but then complains about that because
// `unique symbol` must be `const`.
/** Terminate visit traversal completely */
visitAsync.BREAK = BREAK;
/** Do not visit the children of the current node */
visitAsync.SKIP = SKIP;
/** Remove the current node */
visitAsync.REMOVE = REMOVE;
async function visitAsync_(key, node, visitor, path) {
    const ctrl = await callVisitor(key, node, visitor, path);
    if (identity.isNode(ctrl) || identity.isPair(ctrl)) {
        replaceNode(key, path, ctrl);
        return visitAsync_(key, ctrl, visitor, path);
    }
    if (typeof ctrl !== 'symbol') {
        if (identity.isCollection(node)) {
            path = Object.freeze(path.concat(node));
            for (let i = 0; i < node.items.length; ++i) {
                const ci = await visitAsync_(i, node.items[i], visitor, path);
                if (typeof ci === 'number')
                    i = ci - 1;
                else if (ci === BREAK)
                    return BREAK;
                else if (ci === REMOVE) {
                    node.items.splice(i, 1);
                    i -= 1;
                }
            }
        }
        else if (identity.isPair(node)) {
            path = Object.freeze(path.concat(node));
            const ck = await visitAsync_('key', node.key, visitor, path);
            if (ck === BREAK)
                return BREAK;
            else if (ck === REMOVE)
                node.key = null;
            const cv = await visitAsync_('value', node.value, visitor, path);
            if (cv === BREAK)
                return BREAK;
            else if (cv === REMOVE)
                node.value = null;
        }
    }
    return ctrl;
}
function initVisitor(visitor) {
    if (typeof visitor === 'object' &&
        (visitor.Collection || visitor.Node || visitor.Value)) {
        return Object.assign({
            Alias: visitor.Node,
            Map: visitor.Node,
            Scalar: visitor.Node,
            Seq: visitor.Node
        }, visitor.Value && {
            Map: visitor.Value,
            Scalar: visitor.Value,
            Seq: visitor.Value
        }, visitor.Collection && {
            Map: visitor.Collection,
            Seq: visitor.Collection
        }, visitor);
    }
    return visitor;
}
function callVisitor(key, node, visitor, path) {
    if (typeof visitor === 'function')
        return visitor(key, node, path);
    if (identity.isMap(node))
        return visitor.Map?.(key, node, path);
    if (identity.isSeq(node))
        return visitor.Seq?.(key, node, path);
    if (identity.isPair(node))
        return visitor.Pair?.(key, node, path);
    if (identity.isScalar(node))
        return visitor.Scalar?.(key, node, path);
    if (identity.isAlias(node))
        return visitor.Alias?.(key, node, path);
    return undefined;
}
function replaceNode(key, path, node) {
    const parent = path[path.length - 1];
    if (identity.isCollection(parent)) {
        parent.items[key] = node;
    }
    else if (identity.isPair(parent)) {
        if (key === 'key')
            parent.key = node;
        else
            parent.value = node;
    }
    else if (identity.isDocument(parent)) {
        parent.contents = node;
    }
    else {
        const pt = identity.isAlias(parent) ? 'alias' : 'scalar';
        throw new Error(`Cannot replace node with ${pt} parent`);
    }
}

exports.visit = visit;
exports.visitAsync = visitAsync;


/***/ })

/******/ });
/************************************************************************/
/******/ // The module cache
/******/ var __webpack_module_cache__ = {};
/******/ 
/******/ // The require function
/******/ function __nccwpck_require__(moduleId) {
/******/ 	// Check if module is in cache
/******/ 	var cachedModule = __webpack_module_cache__[moduleId];
/******/ 	if (cachedModule !== undefined) {
/******/ 		return cachedModule.exports;
/******/ 	}
/******/ 	// Create a new module (and put it into the cache)
/******/ 	var module = __webpack_module_cache__[moduleId] = {
/******/ 		// no module.id needed
/******/ 		// no module.loaded needed
/******/ 		exports: {}
/******/ 	};
/******/ 
/******/ 	// Execute the module function
/******/ 	var threw = true;
/******/ 	try {
/******/ 		__webpack_modules__[moduleId](module, module.exports, __nccwpck_require__);
/******/ 		threw = false;
/******/ 	} finally {
/******/ 		if(threw) delete __webpack_module_cache__[moduleId];
/******/ 	}
/******/ 
/******/ 	// Return the exports of the module
/******/ 	return module.exports;
/******/ }
/******/ 
/************************************************************************/
/******/ /* webpack/runtime/compat */
/******/ 
/******/ if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = new URL('.', import.meta.url).pathname.slice(import.meta.url.match(/^file:\/\/\/\w:/) ? 1 : 0, -1) + "/";
/******/ 
/************************************************************************/
var __webpack_exports__ = {};

;// CONCATENATED MODULE: external "node:fs"
const external_node_fs_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:fs");
;// CONCATENATED MODULE: external "node:os"
const external_node_os_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:os");
;// CONCATENATED MODULE: ./src/clock.ts
const systemClock = {
    now: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
/** A clock whose sleep advances time at once. */
function fakeClock(start = 0) {
    let now = start;
    const slept = [];
    return {
        slept,
        now: () => now,
        sleep: async (ms) => {
            slept.push(ms);
            now += ms;
        },
    };
}

;// CONCATENATED MODULE: ./src/errors.ts
/** An error in what the user gave us: it names the input, and nothing has changed yet. */
class InputError extends Error {
    input;
    constructor(input, problem) {
        super(`Input '${input}': ${problem}`);
        this.input = input;
        this.name = 'InputError';
    }
}
/** A failure while acting on the world (a remote command, a registry call). */
class StepError extends Error {
    step;
    constructor(step, problem) {
        super(`${step}: ${problem}`);
        this.step = step;
        this.name = 'StepError';
    }
}
function errorMessage(error) {
    return error instanceof Error ? error.message : String(error);
}

;// CONCATENATED MODULE: ./src/log.ts
/** Replaces every registered secret in a message, longest first. */
function redact(message, secrets) {
    const sorted = [...secrets].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
    return sorted.reduce((text, secret) => text.split(secret).join('***'), message);
}
/** A log for the command line: plain lines on stderr, secrets redacted. */
function consoleLog(write = (l) => process.stderr.write(`${l}\n`)) {
    const secrets = new Set();
    const emit = (line) => write(redact(line, secrets));
    return {
        info: (m) => emit(m),
        warn: (m) => emit(`warning: ${m}`),
        error: (m) => emit(`error: ${m}`),
        secret: (v) => {
            for (const line of v.split('\n'))
                if (line.trim())
                    secrets.add(line.trim());
            secrets.add(v);
        },
        group: async (title, body) => {
            emit(`== ${title}`);
            return body();
        },
    };
}
/** A log that keeps every line, for tests. */
function recordingLog() {
    const lines = [];
    const secrets = new Set();
    const push = (level, message, where) => lines.push({ level, message: redact(message, secrets), where });
    return {
        lines,
        secrets,
        text: () => lines.map((l) => l.message).join('\n'),
        info: (m) => push('info', m),
        warn: (m, w) => push('warn', m, w),
        error: (m, w) => push('error', m, w),
        secret: (v) => void secrets.add(v),
        group: async (title, body) => {
            push('group', title);
            return body();
        },
    };
}

;// CONCATENATED MODULE: external "node:child_process"
const external_node_child_process_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:child_process");
;// CONCATENATED MODULE: external "node:crypto"
const external_node_crypto_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:crypto");
;// CONCATENATED MODULE: external "node:path"
const external_node_path_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:path");
;// CONCATENATED MODULE: external "node:net"
const external_node_net_namespaceObject = __WEBPACK_EXTERNAL_createRequire(import.meta.url)("node:net");
;// CONCATENATED MODULE: ./src/ssh/target.ts


const USER = /^[A-Za-z_][A-Za-z0-9_.-]{0,31}$/;
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const HOSTNAME = new RegExp(`^${LABEL}(?:\\.${LABEL})*\\.?$`);
/**
 * Parses `user@host`, `user@host:port`, `user@[2001:db8::1]:port` (or a bare IPv6 address).
 * Errors name the input (default `hosts`); `defaults` fills a missing user or port.
 */
function parseHost(spec, input, defaults = {}) {
    const name = input ?? 'hosts';
    const text = spec.trim();
    const fail = (problem) => {
        throw new InputError(name, `'${printable(text)}' ${problem}`);
    };
    if (!text)
        throw new InputError(name, 'a host is empty');
    if (/[\s\0]/.test(text))
        fail('contains whitespace or control characters');
    let rest = text;
    let user = defaults.user;
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
        user = rest.slice(0, at);
        rest = rest.slice(at + 1);
    }
    if (user === undefined || user === '')
        fail('needs a user: write it as user@host[:port]');
    if (!USER.test(user))
        fail(`has an invalid user name '${printable(user)}'`);
    let host;
    let portText;
    if (rest.startsWith('[')) {
        const close = rest.indexOf(']');
        if (close < 0)
            fail('has an unclosed [ in an IPv6 address');
        host = rest.slice(1, close);
        const after = rest.slice(close + 1);
        if (after && !after.startsWith(':'))
            fail('has text after ] that is not :port');
        portText = after ? after.slice(1) : undefined;
        if ((0,external_node_net_namespaceObject.isIP)(host) !== 6)
            fail(`has an invalid IPv6 address '${printable(host)}'`);
    }
    else if ((0,external_node_net_namespaceObject.isIP)(rest) === 6) {
        host = rest;
    }
    else {
        const colon = rest.lastIndexOf(':');
        host = colon >= 0 ? rest.slice(0, colon) : rest;
        portText = colon >= 0 ? rest.slice(colon + 1) : undefined;
        if (!host)
            fail('has no host name');
        if ((0,external_node_net_namespaceObject.isIP)(host) !== 4 && !HOSTNAME.test(host))
            fail(`has an invalid host name '${printable(host)}'`);
    }
    let port = defaults.port ?? 22;
    if (portText !== undefined) {
        if (!/^[0-9]{1,5}$/.test(portText))
            fail(`has an invalid port '${printable(portText)}'`);
        port = Number(portText);
    }
    if (!Number.isInteger(port) || port < 1 || port > 65535)
        fail(`has a port out of range (${port})`);
    return { user: user, host, port };
}
/** `user@host:port` for messages, with IPv6 addresses in brackets. */
function formatTarget(target) {
    return `${target.user}@${hostPort(target)}`;
}
/** `host:port` or `[v6]:port`. */
function hostPort(target) {
    const host = target.host.includes(':') ? `[${target.host}]` : target.host;
    return `${host}:${target.port}`;
}
/** The name ssh looks up in known_hosts: `host` on port 22, `[host]:port` otherwise. */
function knownHostsName(target) {
    return target.port === 22 ? target.host : `[${target.host}]:${target.port}`;
}
function printable(text) {
    return JSON.stringify(text).slice(1, -1);
}

;// CONCATENATED MODULE: ./src/ssh/secrets.ts







const PREFIX = 'tg-ssh-';
/** Private key, known_hosts and a socket dir, 0600/0700 in a fresh dir under RUNNER_TEMP. */
async function writeSshMaterial(options) {
    const key = normalizeKey(options.privateKey);
    // The runner masks line by line: register the whole key and each of its body lines.
    options.log.secret(options.privateKey.trim());
    options.log.secret(key.trim());
    for (const line of key.split('\n')) {
        if (line.length >= 8 && !line.startsWith('-----'))
            options.log.secret(line);
    }
    let knownHosts;
    if (options.knownHosts?.trim()) {
        const entries = parseKnownHosts(options.knownHosts, 'known-hosts');
        for (const target of options.targets) {
            if (!entries.some((e) => e.marker !== '@revoked' && matchesHost(e, target))) {
                throw new InputError('known-hosts', `has no line for ${knownHostsName(target)}. Get one with \`ssh-keyscan -p ${target.port} ${target.host}\` ` +
                    `from a network you trust and compare its fingerprint (\`ssh-keygen -lf <file>\`) with the host's console, out of band.`);
            }
        }
        knownHosts = `${options.knownHosts.replace(/\r\n?/g, '\n').trim()}\n`;
    }
    else if (options.hostFingerprints && options.hostFingerprints.length > 0) {
        if (!options.local)
            throw new Error('writeSshMaterial: fingerprints need a local executor');
        knownHosts = await pinnedKnownHosts(options.local, options.targets, options.hostFingerprints, options.keyscanTimeoutSeconds ?? 10);
    }
    else {
        throw new InputError('known-hosts', 'is required (or host-fingerprint): without host verification tg-devops does not connect. ' +
            'Get a line with `ssh-keyscan -p PORT HOST` from a network you trust and compare its fingerprint ' +
            '(`ssh-keygen -lf <file>`) with the one the host shows on its console, out of band.');
    }
    const base = options.tempDir ?? process.env.RUNNER_TEMP ?? (0,external_node_os_namespaceObject.tmpdir)();
    (0,external_node_fs_namespaceObject.mkdirSync)(base, { recursive: true });
    const dir = (0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)(base, PREFIX));
    (0,external_node_fs_namespaceObject.chmodSync)(dir, 0o700);
    const privateKeyFile = (0,external_node_path_namespaceObject.join)(dir, 'id');
    const knownHostsFile = (0,external_node_path_namespaceObject.join)(dir, 'known_hosts');
    (0,external_node_fs_namespaceObject.writeFileSync)(privateKeyFile, key, { mode: 0o600 });
    (0,external_node_fs_namespaceObject.chmodSync)(privateKeyFile, 0o600);
    (0,external_node_fs_namespaceObject.writeFileSync)(knownHostsFile, knownHosts, { mode: 0o600 });
    // Socket paths: <controlDir>/<12 hex> plus ssh's own 17-character temporary suffix.
    let controlDir = (0,external_node_path_namespaceObject.join)(dir, 'c');
    if (controlDir.length > 60)
        controlDir = (0,external_node_path_namespaceObject.join)((0,external_node_fs_namespaceObject.mkdtempSync)((0,external_node_path_namespaceObject.join)((0,external_node_os_namespaceObject.tmpdir)(), PREFIX)), 'c');
    (0,external_node_fs_namespaceObject.mkdirSync)(controlDir, { mode: 0o700 });
    (0,external_node_fs_namespaceObject.chmodSync)(controlDir, 0o700);
    return { dir, privateKeyFile, knownHostsFile, controlDir };
}
/**
 * The post step (also on cancel): ends any ControlMaster left in the control dir, then deletes
 * the key, known_hosts and sockets. Only removes directories this module created.
 */
function secrets_removeSshMaterial(dir, options = {}) {
    const dirs = [dir, options.controlDir ? (0,external_node_path_namespaceObject.join)(options.controlDir, '..') : undefined];
    for (const d of dirs) {
        if (!d || !(0,external_node_path_namespaceObject.basename)(d).startsWith(PREFIX) || !(0,external_node_fs_namespaceObject.existsSync)(d))
            continue;
        const control = (0,external_node_path_namespaceObject.join)(d, 'c');
        if ((0,external_node_fs_namespaceObject.existsSync)(control)) {
            for (const socket of (0,external_node_fs_namespaceObject.readdirSync)(control)) {
                (0,external_node_child_process_namespaceObject.spawnSync)(options.sshBinary ?? 'ssh', ['-F', 'none', '-o', `ControlPath=${(0,external_node_path_namespaceObject.join)(control, socket)}`, '-O', 'exit', '--', 'x'], { stdio: 'ignore', timeout: 10_000 });
            }
        }
        (0,external_node_fs_namespaceObject.rmSync)(d, { recursive: true, force: true });
    }
}
/** CRLF to LF, surrounding blank lines trimmed, exactly one trailing newline. */
function normalizeKey(text) {
    const key = `${text.replace(/\r\n?/g, '\n').trim()}\n`;
    const match = /^-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----\n([\s\S]*?)\n-----END \1PRIVATE KEY-----\n$/.exec(key);
    if (!match) {
        throw new InputError('ssh-key', 'is not a private key in PEM/OpenSSH form (-----BEGIN ... PRIVATE KEY----- ... -----END ... PRIVATE KEY-----)');
    }
    if (/Proc-Type: 4,ENCRYPTED/.test(match[2]) || match[1] === 'ENCRYPTED ') {
        throw new InputError('ssh-key', passphraseProblem);
    }
    if (match[1] === 'OPENSSH ') {
        const blob = Buffer.from(match[2].replace(/\s+/g, ''), 'base64');
        const magic = 'openssh-key-v1\0';
        if (blob.subarray(0, magic.length).toString('latin1') !== magic) {
            throw new InputError('ssh-key', 'is not a valid OpenSSH private key');
        }
        const cipherLength = blob.readUInt32BE(magic.length);
        const cipher = blob.subarray(magic.length + 4, magic.length + 4 + cipherLength).toString();
        if (cipher !== 'none')
            throw new InputError('ssh-key', passphraseProblem);
    }
    return key;
}
const passphraseProblem = 'is protected by a passphrase, which a non-interactive run cannot type: use a dedicated deploy key without a passphrase, kept in an encrypted secret';
const KEY_TYPES = new Set([
    'ssh-ed25519',
    'ssh-rsa',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'sk-ssh-ed25519@openssh.com',
    'sk-ecdsa-sha2-nistp256@openssh.com',
    'ssh-dss',
]);
/** Parses known_hosts text; any line that does not parse is an InputError naming the line. */
function parseKnownHosts(text, input = 'known-hosts') {
    const entries = [];
    const lines = text.replace(/\r\n?/g, '\n').split('\n');
    lines.forEach((raw, index) => {
        const line = raw.trim();
        if (!line || line.startsWith('#'))
            return;
        const fields = line.split(/\s+/);
        let marker;
        if (fields[0]?.startsWith('@')) {
            const m = fields.shift();
            if (m !== '@cert-authority' && m !== '@revoked') {
                throw new InputError(input, `line ${index + 1}: unknown marker ${m}`);
            }
            marker = m;
        }
        const [hosts, keyType, key] = fields;
        if (!hosts || !keyType || !key) {
            throw new InputError(input, `line ${index + 1} is not a known_hosts line ("host key-type base64-key"), as ssh-keyscan prints`);
        }
        const baseType = keyType.replace(/-cert-v01@openssh\.com$/, '');
        if (!KEY_TYPES.has(baseType)) {
            throw new InputError(input, `line ${index + 1}: unknown key type ${keyType}`);
        }
        if (!/^[A-Za-z0-9+/]+={0,2}$/.test(key) || blobType(key) !== keyType) {
            throw new InputError(input, `line ${index + 1}: the key is not valid base64 for ${keyType}`);
        }
        entries.push({ marker, hosts, keyType, key, line: index + 1 });
    });
    if (entries.length === 0)
        throw new InputError(input, 'has no known_hosts line');
    return entries;
}
function blobType(key) {
    const blob = Buffer.from(key, 'base64');
    if (blob.length < 4)
        return undefined;
    const length = blob.readUInt32BE(0);
    if (length > blob.length - 4)
        return undefined;
    return blob.subarray(4, 4 + length).toString('latin1');
}
/** Whether a known_hosts entry names this host, the way ssh looks it up (patterns, hashes). */
function matchesHost(entry, target) {
    const name = knownHostsName(target);
    if (entry.hosts.startsWith('|1|')) {
        const [, , salt, hash] = entry.hosts.split('|');
        if (!salt || !hash)
            return false;
        const mac = (0,external_node_crypto_namespaceObject.createHmac)('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
        return mac === hash;
    }
    let matched = false;
    for (const pattern of entry.hosts.split(',')) {
        const negated = pattern.startsWith('!');
        const body = negated ? pattern.slice(1) : pattern;
        if (glob(body, name) || (target.port === 22 && glob(body, `[${target.host}]:22`))) {
            if (negated)
                return false;
            matched = true;
        }
    }
    return matched;
}
function glob(pattern, name) {
    const source = pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
    return new RegExp(`^${source}$`, 'i').test(name);
}
/** SHA256 fingerprint of a base64 public key blob, as `ssh-keygen -l` prints it. */
function fingerprint(key) {
    const digest = (0,external_node_crypto_namespaceObject.createHash)('sha256').update(Buffer.from(key, 'base64')).digest('base64');
    return `SHA256:${digest.replace(/=+$/, '')}`;
}
/** Normalizes a SHA256:... fingerprint input; an InputError when it is not one. */
function parseFingerprint(text, input = 'host-fingerprint') {
    const value = text.trim();
    const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(value);
    if (!match) {
        throw new InputError(input, `'${value.slice(0, 80)}' is not a SHA256:... fingerprint (43 base64 characters, as \`ssh-keygen -lf\` prints)`);
    }
    return `SHA256:${match[1]}`;
}
/**
 * known_hosts built from pinned fingerprints: ssh-keyscan fetches each host's keys and only a key
 * whose fingerprint is pinned is written. A host offering no pinned key is refused.
 */
async function pinnedKnownHosts(local, targets, fingerprints, timeoutSeconds) {
    const pinned = new Set(fingerprints.map((f) => parseFingerprint(f)));
    const lines = [];
    for (const target of targets) {
        const result = await local.run(['ssh-keyscan', '-T', String(timeoutSeconds), '-p', String(target.port), '--', target.host], { allowFailure: true });
        const offered = [];
        let found = false;
        for (const line of result.stdout.split('\n')) {
            const [, keyType, key] = line.trim().split(/\s+/);
            if (!keyType || !key || line.startsWith('#'))
                continue;
            const print = fingerprint(key);
            offered.push(`${print} (${keyType})`);
            if (pinned.has(print)) {
                lines.push(`${knownHostsName(target)} ${keyType} ${key}`);
                found = true;
            }
        }
        if (!found) {
            throw new InputError('host-fingerprint', offered.length
                ? `no key of ${knownHostsName(target)} matches: it offers ${offered.join(', ')}. ` +
                    `Compare with the host's console out of band before changing the pin.`
                : `could not fetch the host keys of ${knownHostsName(target)} with ssh-keyscan ` +
                    `(${result.stderr.trim().split('\n').slice(-1)[0] || `exit ${result.exitCode}`}); ` +
                    `a host behind a jump host needs the known-hosts input instead.`);
        }
    }
    return `${lines.join('\n')}\n`;
}

;// CONCATENATED MODULE: ./src/exec.ts

class CommandError extends Error {
    where;
    argv;
    result;
    constructor(where, argv, result) {
        const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
        super(`${where}: \`${argv.join(' ')}\` exited ${result.exitCode}${tail ? `:\n${tail}` : ''}`);
        this.where = where;
        this.argv = argv;
        this.result = result;
        this.name = 'CommandError';
    }
}
/** Runs commands on this machine with no shell in between. */
function localExecutor(defaults = {}) {
    return {
        where: 'local',
        run: (argv, options = {}) => spawnCommand('local', argv, {
            ...options,
            env: { ...defaults.env, ...options.env },
            cwd: options.cwd ?? defaults.cwd,
        }),
    };
}
function spawnCommand(where, argv, options = {}) {
    const [file, ...args] = argv;
    if (!file)
        return Promise.reject(new Error(`${where}: empty command`));
    return new Promise((resolve, reject) => {
        const child = (0,external_node_child_process_namespaceObject.spawn)(file, args, {
            cwd: options.cwd,
            env: options.env ? { ...process.env, ...options.env } : process.env,
            stdio: ['pipe', 'pipe', 'pipe'],
            timeout: options.timeoutMs,
        });
        const out = [];
        const err = [];
        collect(child.stdout, out, (line) => options.onLine?.(line, 'stdout'));
        collect(child.stderr, err, (line) => options.onLine?.(line, 'stderr'));
        child.on('error', (error) => reject(new Error(`${where}: cannot run ${file}: ${error.message}`)));
        child.on('close', (code, signal) => {
            const result = {
                exitCode: code ?? (signal ? 128 + 15 : 1),
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8'),
            };
            if (result.exitCode !== 0 && !options.allowFailure)
                reject(new CommandError(where, argv, result));
            else
                resolve(result);
        });
        child.stdin.on('error', () => undefined); // a command that ignores stdin may close it early
        child.stdin.end(options.input ?? '');
    });
}
function collect(stream, chunks, onLine) {
    let pending = '';
    stream.on('data', (chunk) => {
        chunks.push(chunk);
        pending += chunk.toString('utf8');
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines)
            onLine(line);
    });
    stream.on('end', () => pending && onLine(pending));
}
/** For tests: records every command and answers from a responder. */
function recordingExecutor(respond = () => undefined, where = 'recorded') {
    const commands = [];
    return {
        where,
        commands,
        async run(argv, options = {}) {
            commands.push({ argv, options });
            const result = { exitCode: 0, stdout: '', stderr: '', ...respond(argv) };
            if (result.exitCode !== 0 && !options.allowFailure)
                throw new CommandError(where, argv, result);
            return result;
        },
    };
}

;// CONCATENATED MODULE: ./src/ssh/quote.ts
/**
 * The ONE place where argv becomes a remote shell command.
 *
 * OpenSSH joins everything after the destination with spaces and hands that single string to the
 * remote user's login shell. So every argument is quoted here, exactly once, for a POSIX shell
 * (sh, dash, bash, zsh, ksh). Nothing else in the project builds remote command strings.
 */
/** Arguments made only of these characters mean the same quoted or not, in every POSIX shell. */
const PLAIN = /^[A-Za-z0-9_./:@,+-]+$/;
/** POSIX single-quote quoting: the result is read back by the shell as exactly `arg`. */
function shellQuote(arg) {
    if (arg.includes('\0')) {
        throw new Error('a command argument cannot contain a NUL byte');
    }
    if (PLAIN.test(arg))
        return arg;
    // Inside single quotes nothing is special except the closing quote: end the quoted part,
    // add an escaped quote, and reopen. Newlines, $, `, \, !, *, ~ and unicode stay literal.
    return `'${arg.replace(/'/g, `'\\''`)}'`;
}
/** argv -> one remote command string; each argument stays one literal argument on the host. */
function remoteCommand(argv) {
    if (argv.length === 0)
        throw new Error('an empty command cannot run on a host');
    return argv.map(shellQuote).join(' ');
}

;// CONCATENATED MODULE: ./src/ssh/session.ts







/** No connection, or a connection that broke before the remote command started. */
class SshConnectionError extends Error {
    target;
    retryable;
    constructor(target, message, retryable) {
        super(message);
        this.target = target;
        this.retryable = retryable;
        this.name = 'SshConnectionError';
    }
}
/** The host's key is unknown or changed: nothing was run there. */
class HostKeyError extends SshConnectionError {
    constructor(target, detail) {
        super(target, hostKeyMessage(target, detail), false);
        this.name = 'HostKeyError';
    }
}
/** The connection broke while a command was running: it may have run partly, so no retry. */
class SshConnectionLostError extends SshConnectionError {
    argv;
    constructor(target, argv, detail) {
        super(target, `${formatTarget(target)}: the SSH connection broke while \`${argv.join(' ')}\` was running; ` +
            `it may have run partly and is not repeated automatically.${detail ? `\n${detail}` : ''}`, false);
        this.argv = argv;
        this.name = 'SshConnectionLostError';
    }
}
/** RunOptions.timeoutMs passed: the host's timeout(1) stopped the command (exit 124). */
class SshCommandTimeoutError extends Error {
    target;
    argv;
    timeoutSeconds;
    constructor(target, argv, timeoutSeconds) {
        super(`${formatTarget(target)}: \`${argv.join(' ')}\` did not finish within ${timeoutSeconds}s ` +
            `and was stopped on the host (SIGTERM); it is not repeated.`);
        this.target = target;
        this.argv = argv;
        this.timeoutSeconds = timeoutSeconds;
        this.name = 'SshCommandTimeoutError';
    }
}
function hostKeyMessage(target, detail) {
    const changed = /IDENTIFICATION HAS CHANGED|does not match|mismatch/i.test(detail);
    const what = changed
        ? `the host key of ${hostPort(target)} has CHANGED since the known-hosts line was made (the host was reinstalled, or someone is in the middle)`
        : `the host key of ${hostPort(target)} is not in known-hosts`;
    return (`${formatTarget(target)}: refused to connect: ${what}. Nothing was run on the host.\n` +
        `To get a known_hosts line, run \`ssh-keyscan -p ${target.port} ${target.host}\` from a network you trust, ` +
        `compare its fingerprint (\`ssh-keygen -lf <file>\`) with the one the host's console or provider shows ` +
        `(out of band, not over this connection), and put the line in the known-hosts input ` +
        `(or the SHA256:... fingerprint in host-fingerprint).` +
        (detail ? `\nssh said: ${detail.trim().split('\n').slice(-3).join(' | ')}` : ''));
}
const HOST_KEY_FAILURE = /Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known|host key for .* has changed/i;
const AUTH_FAILURE = /Permission denied \(|Too many authentication failures|no mutual signature/i;
/** What the probe prints back: proves the login shell reads our quoting as POSIX sh does. */
const PROBE = ["a'b", '$x `y` \\z', '*'];
/**
 * Opens one connection per host for the whole run:
 * 1. a plain connection (no master) checks the host key against known_hosts and that the login
 *    shell reads our quoting literally: an unknown or changed key is refused here, before any
 *    command and before any master exists;
 * 2. a ControlMaster is started with the same strict options;
 * 3. every command goes through the master as ONE quoted string (src/ssh/quote.ts).
 */
async function openSession(target, settings) {
    let known = '';
    try {
        known = (0,external_node_fs_namespaceObject.readFileSync)(settings.knownHostsFile, 'utf8');
    }
    catch {
        // missing: refused below
    }
    if (!known.trim()) {
        throw new HostKeyError(target, `no known_hosts file (${settings.knownHostsFile} is missing or empty): no host verification, no connection`);
    }
    const session = new Session(target, settings);
    await session.connect();
    return session;
}
class Session {
    target;
    settings;
    where;
    stats = { connectionsOpened: 0, commands: 0, retries: 0 };
    controlPath;
    clock;
    spawn;
    nonce = (0,external_node_crypto_namespaceObject.randomBytes)(6).toString('hex');
    masterPid;
    open = false;
    constructor(target, settings) {
        this.target = target;
        this.settings = settings;
        this.where = formatTarget(target);
        this.clock = settings.clock ?? systemClock;
        this.spawn = settings.spawn ?? spawnCommand;
        const id = (0,external_node_crypto_namespaceObject.createHash)('sha256')
            .update(`${this.where} via ${settings.jump ? formatTarget(settings.jump) : '-'}`)
            .digest('hex')
            .slice(0, 12);
        // One socket per session: two sessions to the same host must not share (or replace) a master.
        this.controlPath = (0,external_node_path_namespaceObject.join)(settings.controlDir, `${id}-${this.nonce.slice(0, 6)}`);
    }
    /** Options every ssh invocation of this session shares. */
    baseOptions() {
        const options = [
            ...this.verifiedConnectionOptions(),
            '-o',
            'ServerAliveInterval=15',
            '-o',
            'ServerAliveCountMax=4',
            '-o',
            'LogLevel=ERROR',
            '-p',
            String(this.target.port),
            '-l',
            this.target.user,
        ];
        if (this.settings.jump)
            options.push('-o', `ProxyCommand=${this.jumpCommand(this.settings.jump)}`);
        return options;
    }
    /** No config files, no prompts, only our key, and only host keys from our known_hosts file. */
    verifiedConnectionOptions() {
        const s = this.settings;
        return [
            '-F',
            'none',
            '-o',
            'BatchMode=yes',
            '-o',
            'IdentitiesOnly=yes',
            '-o',
            'StrictHostKeyChecking=yes',
            '-o',
            `UserKnownHostsFile=${s.knownHostsFile}`,
            '-o',
            'GlobalKnownHostsFile=/dev/null',
            '-o',
            'CheckHostIP=no',
            '-o',
            'UpdateHostKeys=no',
            '-o',
            `IdentityFile=${s.privateKeyFile}`,
            '-o',
            `ConnectTimeout=${s.connectTimeoutSeconds ?? 15}`,
        ];
    }
    /**
     * The jump host through ProxyCommand rather than ProxyJump: ProxyJump starts a second ssh that
     * does not inherit our -o options (known_hosts file, strict checking, key), so the jump host
     * would be checked against ~/.ssh/known_hosts or not at all. This runs through the local
     * /bin/sh, so every part is quoted, and % is doubled for ssh's own token expansion.
     */
    jumpCommand(jump) {
        const s = this.settings;
        const argv = [
            s.sshBinary ?? 'ssh',
            ...this.verifiedConnectionOptions(),
            '-o',
            'LogLevel=ERROR',
            '-p',
            String(jump.port),
            '-l',
            jump.user,
            '-W',
            `${this.target.host.includes(':') ? `[${this.target.host}]` : this.target.host}:${this.target.port}`,
            '--',
            jump.host,
        ];
        return argv.map((a) => shellQuote(a).replace(/%/g, '%%')).join(' ');
    }
    destination() {
        return ['--', this.target.host];
    }
    async runSsh(args, options = {}) {
        const argv = [this.settings.sshBinary ?? 'ssh', ...args];
        try {
            return await this.spawn(this.where, argv, { ...options, allowFailure: true });
        }
        catch (error) {
            // ssh itself could not be started (missing binary): not a connection problem to retry.
            throw new SshConnectionError(this.target, `${this.where}: cannot run ssh: ${error.message}`, false);
        }
    }
    /** Classifies a failed connection attempt (exit 255 before anything ran). */
    connectionFailure(step, result) {
        const stderr = result.stderr.trim();
        if (HOST_KEY_FAILURE.test(stderr)) {
            const jump = this.settings.jump;
            return new HostKeyError(this.target, jump
                ? `${stderr}\n(the jump host ${hostPort(jump)} is checked against the same known-hosts)`
                : stderr);
        }
        if (AUTH_FAILURE.test(stderr)) {
            return new SshConnectionError(this.target, `${this.where}: ${step}: the host refused the key (${lastLine(stderr)}). ` +
                `Check that the public half of ssh-key is in ~${this.target.user}/.ssh/authorized_keys on the host.`, false);
        }
        return new SshConnectionError(this.target, `${this.where}: ${step}: connection failed (ssh exit ${result.exitCode}${stderr ? `: ${lastLine(stderr)}` : ''})`, result.exitCode === 255);
    }
    /** Repeats `attempt` after retryable connection failures, with exponential backoff. */
    async withRetries(step, attempt) {
        const retries = this.settings.retries ?? 3;
        for (let n = 0;; n++) {
            try {
                return await attempt();
            }
            catch (error) {
                if (!(error instanceof SshConnectionError) || !error.retryable || n >= retries)
                    throw error;
                const delay = Math.min(1000 * 2 ** n, 10_000);
                this.stats.retries++;
                this.settings.log?.warn(`${error.message}; ${step}: retry ${n + 1} of ${retries} in ${delay / 1000}s`);
                await this.clock.sleep(delay);
            }
        }
    }
    /** Host-key check (plain connection, no master), quoting probe, then the master. */
    async connect() {
        await this.withRetries('host key check', async () => {
            this.stats.connectionsOpened++;
            const result = await this.runSsh([
                ...this.baseOptions(),
                '-o',
                'ControlMaster=no',
                '-o',
                'ControlPath=none',
                '-T',
                ...this.destination(),
                remoteCommand(['printf', '%s\\n', ...PROBE]),
            ]);
            if (result.exitCode === 255 || HOST_KEY_FAILURE.test(result.stderr)) {
                throw this.connectionFailure('host key check', result);
            }
            const expected = PROBE.map((p) => `${p}\n`).join('');
            if (result.exitCode !== 0 || result.stdout !== expected) {
                throw new SshConnectionError(this.target, `${this.where}: the login shell of ${this.target.user} does not read POSIX sh quoting ` +
                    `(probe exit ${result.exitCode}, output ${JSON.stringify(result.stdout.slice(0, 200))}); ` +
                    `give the deploy user a POSIX shell (sh, bash, dash, zsh): arguments could not be passed literally.`, false);
            }
        });
        await this.startMaster();
        this.open = true;
        this.settings.log?.info(`${this.where}: host key verified, connection open${this.settings.jump ? ` (via ${formatTarget(this.settings.jump)})` : ''}`);
    }
    async startMaster() {
        // A socket left by a master that was killed would make ssh disable multiplexing.
        (0,external_node_fs_namespaceObject.rmSync)(this.controlPath, { force: true });
        await this.withRetries('start connection', async () => {
            this.stats.connectionsOpened++;
            const result = await this.runSsh([
                ...this.baseOptions(),
                '-o',
                'ControlMaster=yes',
                '-o',
                `ControlPath=${this.controlPath}`,
                '-o',
                `ControlPersist=${this.settings.persistSeconds ?? 600}`,
                '-N',
                '-f',
                ...this.destination(),
            ]);
            if (result.exitCode !== 0)
                throw this.connectionFailure('start connection', result);
        });
        const check = await this.runSsh([
            '-F',
            'none',
            '-o',
            `ControlPath=${this.controlPath}`,
            '-O',
            'check',
            '--',
            this.target.host,
        ]);
        const pid = /pid=(\d+)/.exec(check.stderr + check.stdout)?.[1];
        this.masterPid = pid ? Number(pid) : undefined;
    }
    masterAlive() {
        if (this.masterPid === undefined)
            return true; // unknown: let ssh find out
        if (this.masterPid < 0)
            return false;
        try {
            process.kill(this.masterPid, 0);
        }
        catch {
            return false;
        }
        try {
            // A killed master whose parent does not reap it is a zombie: kill(0) still succeeds.
            const stat = (0,external_node_fs_namespaceObject.readFileSync)(`/proc/${this.masterPid}/stat`, 'utf8');
            return !/^\S+ \(.*\) [ZX]/.test(stat);
        }
        catch {
            return true; // no /proc (macOS runners): kill(0) is all we have
        }
    }
    async run(argv, options = {}) {
        if (!this.open)
            throw new Error(`${this.where}: the SSH session is closed`);
        // A timeout is enforced ON THE HOST with timeout(1): killing the local mux client neither
        // stops the remote command nor returns early (it waits for the master to report the end).
        const timeoutSeconds = options.timeoutMs === undefined
            ? undefined
            : Math.max(1, Math.ceil(options.timeoutMs / 1000));
        const command = remoteCommand(timeoutSeconds === undefined ? argv : ['timeout', String(timeoutSeconds), ...argv]); // throws before anything runs on a bad argument
        const start = `\x1etgd-${this.nonce}-start`;
        const exit = `\x1etgd-${this.nonce}-exit `;
        // A fixed wrapper around the quoted command: markers on stderr tell "never started",
        // "connection broke while running" and "the command's own exit code" (even 255) apart.
        const wrapped = `printf '\\036tgd-${this.nonce}-start\\n' >&2; ${command}\n` +
            `s=$?; printf '\\036tgd-${this.nonce}-exit %d\\n' "$s" >&2; exit "$s"`;
        const onLine = options.onLine;
        const filteredOnLine = onLine
            ? (line, stream) => {
                if (stream === 'stderr') {
                    if (line === start)
                        return;
                    const at = line.indexOf(exit);
                    if (at >= 0) {
                        if (at > 0)
                            onLine(line.slice(0, at), stream);
                        return;
                    }
                }
                onLine(line, stream);
            }
            : undefined;
        return this.withRetries(`\`${argv.join(' ')}\``, async () => {
            if (!this.masterAlive()) {
                this.settings.log?.warn(`${this.where}: the SSH connection is gone; reconnecting`);
                this.masterPid = undefined;
                await this.connect();
            }
            this.stats.commands++;
            const raw = await this.runSsh([
                ...this.baseOptions(),
                '-o',
                'ControlMaster=no',
                '-o',
                `ControlPath=${this.controlPath}`,
                '-T',
                ...this.destination(),
                wrapped,
            ], { ...options, timeoutMs: undefined, onLine: filteredOnLine });
            const startAt = raw.stderr.indexOf(`${start}\n`);
            const exitMatch = new RegExp(`\\x1etgd-${this.nonce}-exit (\\d+)\\n?$`).exec(raw.stderr);
            if (startAt < 0) {
                if (raw.exitCode === 255 || HOST_KEY_FAILURE.test(raw.stderr)) {
                    throw this.connectionFailure(`\`${argv.join(' ')}\``, raw);
                }
                throw new SshConnectionError(this.target, `${this.where}: \`${argv.join(' ')}\` did not start (exit ${raw.exitCode}${raw.stderr.trim() ? `: ${lastLine(raw.stderr)}` : ''})`, false);
            }
            // What ssh itself said before the command started is not the command's output.
            const before = raw.stderr.slice(0, startAt);
            if (/Control socket connect/.test(before)) {
                // The master was unusable and ssh connected on its own (still strictly verified):
                // count it, and start a fresh master for the next command.
                this.stats.connectionsOpened++;
                this.masterPid = -1;
            }
            const stderr = raw.stderr.slice(startAt + start.length + 1, exitMatch ? exitMatch.index : undefined);
            if (!exitMatch)
                throw new SshConnectionLostError(this.target, argv, `(ssh exit ${raw.exitCode}${lastLine(stderr) ? `: ${lastLine(stderr)}` : ''})`);
            if (timeoutSeconds !== undefined && exitMatch[1] === '124') {
                // As localExecutor does: allowFailure gets the exit code (124), otherwise an error.
                if (!options.allowFailure)
                    throw new SshCommandTimeoutError(this.target, argv, timeoutSeconds);
                return {
                    exitCode: 124,
                    stdout: raw.stdout,
                    stderr: `${stderr}timed out after ${timeoutSeconds}s and was stopped on the host\n`,
                };
            }
            const result = {
                exitCode: Number(exitMatch[1]),
                stdout: raw.stdout,
                stderr,
            };
            if (result.exitCode !== 0 && !options.allowFailure) {
                throw new CommandError(this.where, argv, result);
            }
            return result;
        });
    }
    async close() {
        if (!this.open)
            return;
        this.open = false;
        await this.runSsh([
            '-F',
            'none',
            '-o',
            `ControlPath=${this.controlPath}`,
            '-O',
            'exit',
            '--',
            this.target.host,
        ]).catch(() => undefined);
        (0,external_node_fs_namespaceObject.rmSync)(this.controlPath, { force: true });
    }
}
function lastLine(text) {
    return text.trim().split('\n').slice(-1)[0] ?? '';
}

;// CONCATENATED MODULE: ./src/cli/args.ts
/**
 * The command line of `tg-devops`: parsed into a value (pure), every mistake a UsageError (exit 2).
 */
const COMMANDS = ['deploy', 'rollback', 'status'];
class UsageError extends Error {
    usage;
    constructor(message, usage) {
        super(message);
        this.usage = usage;
        this.name = 'UsageError';
    }
}
const USAGE = `usage: tg-devops <command> --config deploy.yml [options]

The deploy action's engine from a terminal, with the same safety: host keys verified, the host
lock, the plan, the health gates, undo on failure, the audit log.

commands:
  deploy     deploy the config's image to its hosts (--dry-run: print the plan only)
  rollback   give the traffic back to the previous release (or --to RELEASE_ID)
  status     show each host's current release, history, lock, audit and containers

Run 'tg-devops <command> --help' for a command's options.
exit codes: 0 ok, 1 failure, 2 usage`;
const COMMON = `  --config FILE   the deploy config: YAML whose keys are the deploy action's inputs (required)
  --host HOST     only this host of the config (repeatable)
  -h, --help      this help`;
const COMMAND_USAGE = {
    deploy: `usage: tg-devops deploy --config deploy.yml [--dry-run] [--host HOST]...

Deploys the config's image: lock, probe, plan, execute with health gates, undo on failure, audit.
  --dry-run       connect, probe read-only and print the plan; nothing changes
${COMMON}`,
    rollback: `usage: tg-devops rollback --config deploy.yml [--to RELEASE_ID] [--force] [--dry-run] [--host HOST]...

Gives the traffic back to the previous release's kept container (or --to RELEASE_ID) under the
host lock: health gate, switch (or handover for polling bots), undo on failure, audit entry.
  --to RELEASE_ID  a release from the host's history (see 'tg-devops status')
  --force          go back past a release that declared an irreversible migration
  --dry-run        print the rollback plan only; nothing changes
${COMMON}`,
    status: `usage: tg-devops status --config deploy.yml [--host HOST]...

Reads each host's state, lock, last audit entries and the app's containers. Changes nothing.
${COMMON}`,
};
function parseArgs(argv) {
    const [first, ...rest] = argv;
    if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
        if (first === undefined)
            throw new UsageError('a command is required', USAGE);
        return { help: USAGE };
    }
    if (!COMMANDS.includes(first))
        throw new UsageError(`unknown command '${first}'`, USAGE);
    const command = first;
    const usage = COMMAND_USAGE[command];
    const fail = (message) => {
        throw new UsageError(message, usage);
    };
    let config;
    let dryRun = false;
    let to;
    let force = false;
    const hosts = [];
    for (let i = 0; i < rest.length; i++) {
        const token = rest[i];
        const eq = token.startsWith('--') ? token.indexOf('=') : -1;
        const flag = eq > 0 ? token.slice(0, eq) : token;
        const inline = eq > 0 ? token.slice(eq + 1) : undefined;
        const value = () => {
            const v = inline ?? rest[++i];
            if (v === undefined || v === '' || (inline === undefined && v.startsWith('-')))
                fail(`${flag} needs a value`);
            return v;
        };
        const noValue = () => {
            if (inline !== undefined)
                fail(`${flag} takes no value`);
        };
        switch (flag) {
            case '-h':
            case '--help':
                return { help: usage };
            case '--config':
            case '-c':
                if (config !== undefined)
                    fail('--config is given twice');
                config = value();
                break;
            case '--host':
                hosts.push(value());
                break;
            case '--dry-run':
                noValue();
                if (command === 'status')
                    fail('--dry-run is an option of deploy and rollback');
                dryRun = true;
                break;
            case '--to':
                if (command !== 'rollback')
                    fail(`--to is an option of rollback, not ${command}`);
                to = value();
                if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(to))
                    fail(`--to: '${to}' is not a release id`);
                break;
            case '--force':
                noValue();
                if (command !== 'rollback')
                    fail(`--force is an option of rollback, not ${command}`);
                force = true;
                break;
            default:
                fail(token.startsWith('-') ? `unknown option '${flag}'` : `unexpected argument '${token}'`);
        }
    }
    if (!config)
        fail('--config FILE is required');
    return { args: { command, config: config, dryRun, hosts, to, force } };
}

;// CONCATENATED MODULE: ./src/deploy/docker.ts
/** argv builders for the docker CLI on the host. Pure: values in, argv arrays out. */
const LABEL_APP = 'tg-devops.app';
const LABEL_RELEASE = 'tg-devops.release';
const LABEL_COLOR = 'tg-devops.color';
const LABEL_IMAGE = 'tg-devops.image';
function containerName(app, releaseId) {
    return `${app}-${releaseId}`;
}
/** The options shared by the app container and the pre-deploy one-off. */
function commonOptions(config, envFile) {
    const argv = ['--env-file', envFile];
    if (config.network)
        argv.push('--network', config.network);
    for (const v of config.volumes)
        argv.push('--volume', `${v.source}:${v.target}${v.readOnly ? ':ro' : ''}`);
    if (config.cpus)
        argv.push('--cpus', config.cpus);
    if (config.memory)
        argv.push('--memory', config.memory);
    argv.push(...config.extraOptions);
    return argv;
}
function labels(spec) {
    return [
        '--label',
        `${LABEL_APP}=${spec.config.app}`,
        '--label',
        `${LABEL_RELEASE}=${spec.releaseId}`,
        '--label',
        `${LABEL_COLOR}=${spec.color}`,
        '--label',
        `${LABEL_IMAGE}=${spec.config.image.raw}`,
    ];
}
function publish(config, port) {
    if (port === undefined)
        return [];
    // On the host network the app binds the port itself: it reads PORT (the twelve-factor way).
    if (config.network === 'host')
        return ['--env', `PORT=${port}`];
    return ['--publish', `127.0.0.1:${port}:${config.containerPort}`];
}
/** `docker create`: everything but starting it, so a handover's gap holds only the start. */
function createArgv(spec) {
    return [
        'docker',
        'create',
        '--name',
        containerName(spec.config.app, spec.releaseId),
        ...labels(spec),
        '--restart',
        'unless-stopped',
        '--stop-timeout',
        String(spec.config.stopGraceSeconds),
        ...publish(spec.config, spec.port),
        ...commonOptions(spec.config, spec.envFile),
        '--',
        spec.config.image.raw,
    ];
}
/** A one-off container of the new image for the pre-deploy command (migrations). */
function preDeployArgv(config, releaseId, envFile) {
    if (!config.preDeploy)
        throw new Error('no pre-deploy command');
    return [
        'docker',
        'run',
        '--rm',
        '--name',
        `${config.app}-${releaseId}-pre`,
        '--label',
        `${LABEL_APP}=${config.app}-pre`,
        ...commonOptions(config, envFile),
        '--',
        config.image.raw,
        ...config.preDeploy,
    ];
}
const startArgv = (name) => ['docker', 'start', name];
const stopArgv = (name, graceSeconds) => [
    'docker',
    'stop',
    '-t',
    String(graceSeconds),
    name,
];
const removeArgv = (name) => ['docker', 'rm', '--force', name];
const pullArgv = (image, dockerConfig) => dockerConfig ? ['docker', '--config', dockerConfig, 'pull', image] : ['docker', 'pull', image];
/** The image label that declares what a release's migration (pre-deploy) does to the schema. */
const MIGRATION_LABEL = 'org.tg-devops.migration';
const imageLabelsArgv = (image) => [
    'docker',
    'image',
    'inspect',
    '--format',
    '{{json .Config.Labels}}',
    image,
];
/**
 * The migration label from `docker image inspect --format '{{json .Config.Labels}}'` output:
 * 'irreversible' or 'reversible' (any case, trimmed), undefined when absent or anything else.
 * Throws when the output is not JSON.
 */
function parseMigrationLabel(stdout) {
    const labels = JSON.parse(stdout.trim() || 'null');
    const raw = labels?.[MIGRATION_LABEL];
    const label = typeof raw === 'string' ? raw.trim().toLowerCase() : undefined;
    return label === 'irreversible' || label === 'reversible' ? label : undefined;
}
/**
 * Release.irreversibleMigration at deploy time: the image label decides when present
 * (reversible -> false, irreversible -> true); without it, a release that ran a pre-deploy is
 * taken as irreversible (the safe default), and one that did not records nothing.
 */
function migrationMark(hadPreDeploy, label) {
    if (label === 'irreversible')
        return true;
    if (label === 'reversible')
        return false;
    return hadPreDeploy ? true : undefined;
}
const loginArgv = (server, username, dockerConfig) => [
    'docker',
    '--config',
    dockerConfig,
    'login',
    '--username',
    username,
    '--password-stdin',
    server,
];
const inspectArgv = (name) => [
    'docker',
    'inspect',
    '--type',
    'container',
    '--format',
    '{{json .State}}',
    name,
];
const logsArgv = (name, since) => ['docker', 'logs', '--since', since, name];
/** All the app's containers, one JSON object per line. */
const listArgv = (app) => [
    'docker',
    'ps',
    '--all',
    '--no-trunc',
    '--filter',
    `label=${LABEL_APP}=${app}`,
    '--format',
    '{{json .}}',
];
/** Parses `docker ps --format '{{json .}}'` lines. */
function parseContainerList(stdout) {
    return stdout
        .split('\n')
        .filter((line) => line.trim().startsWith('{'))
        .map((line) => {
        const row = JSON.parse(line);
        const labelMap = new Map();
        for (const pair of (row.Labels ?? '').split(',')) {
            const eq = pair.indexOf('=');
            if (eq > 0)
                labelMap.set(pair.slice(0, eq), pair.slice(eq + 1));
        }
        const color = labelMap.get(LABEL_COLOR);
        return {
            name: row.Names ?? '',
            state: row.State ?? '',
            releaseId: labelMap.get(LABEL_RELEASE),
            color: color === 'blue' || color === 'green' ? color : undefined,
            image: labelMap.get(LABEL_IMAGE) ?? row.Image,
            createdAt: row.CreatedAt,
        };
    });
}
function parseState(stdout) {
    return JSON.parse(stdout.trim());
}

;// CONCATENATED MODULE: ./src/deploy/gates.ts


class GateError extends Error {
    result;
    constructor(result) {
        super(`gate ${result.name} failed: ${result.evidence}`);
        this.result = result;
        this.name = 'GateError';
    }
}
/** Running, not restarting, and healthy when the image has a HEALTHCHECK. */
const runningGate = async (ctx) => {
    const name = 'container-running';
    const result = await ctx.exec.run(inspectArgv(ctx.container), { allowFailure: true });
    if (result.exitCode !== 0)
        return { name, ok: false, fatal: true, evidence: `no container ${ctx.container}` };
    const state = parseState(result.stdout);
    if (!state.Running || state.Restarting) {
        return {
            name,
            ok: false,
            fatal: state.Status === 'exited' || state.Status === 'dead' || state.Restarting,
            evidence: `${ctx.container} is ${state.Restarting ? 'restarting' : state.Status} (exit code ${state.ExitCode})`,
        };
    }
    if (state.Health && state.Health.Status !== 'healthy') {
        const last = state.Health.Log?.at(-1)?.Output?.trim().slice(0, 200) ?? '';
        return {
            name: 'container-healthcheck',
            ok: false,
            fatal: false,
            evidence: `health ${state.Health.Status}${last ? `: ${last}` : ''}`,
        };
    }
    return {
        name,
        ok: true,
        evidence: `running since ${state.StartedAt}${state.Health ? ', healthy' : ''}`,
    };
};
function httpProbeArgv(tool, url) {
    if (tool === 'curl')
        return [
            'curl',
            '--silent',
            '--output',
            '/dev/null',
            '--write-out',
            '%{http_code}',
            '--max-time',
            '5',
            url,
        ];
    if (tool === 'wget')
        return ['timeout', '6', 'wget', '-q', '-O', '/dev/null', url];
    throw new Error('no HTTP client on the host: install curl or wget for the health gate');
}
/** GET http://127.0.0.1:<port><health-path> from the host answers 2xx. */
const httpGate = async (ctx) => {
    const name = 'http-health';
    if (ctx.port === undefined || !ctx.healthPath)
        return { name, ok: true, evidence: 'no health-path: skipped' };
    const url = `http://127.0.0.1:${ctx.port}${ctx.healthPath}`;
    try {
        const result = await ctx.exec.run(httpProbeArgv(ctx.httpTool, url), { allowFailure: true });
        if (ctx.httpTool === 'curl') {
            const code = result.stdout.trim();
            return { name, ok: /^2\d\d$/.test(code), evidence: `GET ${url} -> ${code || 'no answer'}` };
        }
        return {
            name,
            ok: result.exitCode === 0,
            evidence: `GET ${url} -> ${result.exitCode === 0 ? '2xx' : `failed (${result.stderr.trim().slice(0, 120) || `exit ${result.exitCode}`})`}`,
        };
    }
    catch (error) {
        return { name, ok: false, fatal: true, evidence: errorMessage(error) };
    }
};
/** Patterns that mean two instances fought over one bot: a Telegram 409 or a duplicated key. */
const CONFLICT_PATTERNS = [/\b409\b/, /Conflict/, /AUTH_KEY_DUPLICATED/];
function logGate(patterns = CONFLICT_PATTERNS) {
    return async (ctx) => {
        const name = 'log-conflicts';
        const result = await ctx.exec.run(logsArgv(ctx.container, ctx.since), { allowFailure: true });
        const lines = `${result.stdout}\n${result.stderr}`.split('\n');
        const hit = lines.find((line) => patterns.some((p) => p.test(line)));
        return hit
            ? { name, ok: false, fatal: true, evidence: `log line: ${hit.trim().slice(0, 200)}` }
            : { name, ok: true, evidence: `no ${patterns.map((p) => p.source).join(' / ')} in the logs` };
    };
}
async function runGates(ctx, gates) {
    const results = [];
    for (const gate of gates) {
        const result = await gate(ctx);
        results.push(result);
        if (!result.ok)
            break;
    }
    return results;
}
/**
 * Polls the gates once a second until all pass (ready) or the timeout; a fatal result (the
 * container exited) fails at once. Throws GateError naming the gate that held it back.
 */
async function waitReady(ctx, gates, timeoutSeconds) {
    const deadline = ctx.clock.now() + timeoutSeconds * 1000;
    for (let attempt = 1;; attempt++) {
        const results = await runGates(ctx, gates);
        const failed = results.find((r) => !r.ok);
        if (!failed) {
            ctx.log.info(`ready after ${attempt} check(s): ${results.map((r) => `${r.name}: ${r.evidence}`).join('; ')}`);
            return results;
        }
        if (failed.fatal || ctx.clock.now() >= deadline)
            throw new GateError({
                ...failed,
                evidence: `${failed.evidence}${failed.fatal ? '' : ` (still failing after ${timeoutSeconds}s)`}`,
            });
        await ctx.clock.sleep(1000);
    }
}
/** Runs the gates once a second for a window; the first failure ends it with a GateError. */
async function watchWindow(ctx, gates, windowSeconds) {
    const end = ctx.clock.now() + windowSeconds * 1000;
    let checks = 0;
    for (;;) {
        const results = await runGates(ctx, gates);
        checks++;
        const failed = results.find((r) => !r.ok);
        if (failed)
            throw new GateError(failed);
        if (ctx.clock.now() >= end)
            return { checks, results };
        await ctx.clock.sleep(1000);
    }
}
/**
 * A verify check (src/health: HTTP, Prometheus, container, logs, Telegram webhook) as a deploy
 * gate, for canary steps and the post-switch window. An inconclusive answer (no traffic yet)
 * passes by default; a final failure (a fatal log line, a restart) is fatal here too.
 */
function gateFromCheck(check, options = {}) {
    return async (ctx) => {
        const result = await check.probe(ctx.clock.now());
        const ok = result.status === 'pass' ||
            (result.status === 'inconclusive' && (options.onInconclusive ?? 'pass') === 'pass');
        return {
            name: check.name,
            ok,
            fatal: !ok && result.final === true,
            evidence: `${result.status}: ${result.summary}`,
        };
    };
}

;// CONCATENATED MODULE: ./src/deploy/execute.ts


/**
 * Runs the steps in order. When one fails, the undos of the steps already done run in reverse
 * (an undo shared by several steps, by key, runs once), then the cleanup steps run whatever
 * happened. Never throws for a step failure: the result says what happened.
 */
async function execute(plan, ctx, hooks = {}) {
    const records = [];
    const done = [];
    let error;
    let failedGate;
    for (const [index, step] of plan.steps.entries()) {
        const started = ctx.clock.now();
        try {
            await ctx.log.group(`${index + 1}/${plan.steps.length} ${step.title}`, () => step.run(ctx));
            records.push({ id: step.id, title: step.title, status: 'ok', ms: ctx.clock.now() - started });
            done.push(step);
            await hooks.afterStep?.(step);
            await hooks.between?.();
        }
        catch (cause) {
            const message = errorMessage(cause);
            if (step.optional) {
                ctx.log.warn(`${step.title}: ${message} (best effort, continuing)`);
                records.push({
                    id: step.id,
                    title: step.title,
                    status: 'warned',
                    ms: ctx.clock.now() - started,
                    detail: message,
                });
                continue;
            }
            records.push({
                id: step.id,
                title: step.title,
                status: 'failed',
                ms: ctx.clock.now() - started,
                detail: message,
            });
            if (cause instanceof GateError)
                failedGate = cause.result.name;
            error = new StepError(`step ${index + 1} (${step.title})`, message);
            ctx.log.error(error.message);
            for (const rest of plan.steps.slice(index + 1))
                records.push({ id: rest.id, title: rest.title, status: 'not-run', ms: 0 });
            await undoAll(done, ctx, records);
            break;
        }
    }
    for (const step of plan.cleanup) {
        try {
            await step.run(ctx);
        }
        catch (cause) {
            ctx.log.warn(`${step.title}: ${errorMessage(cause)}`);
        }
    }
    return { ok: !error, records, error, failedGate };
}
async function undoAll(done, ctx, records) {
    const seen = new Set();
    for (const step of [...done].reverse()) {
        const undo = step.undo;
        if (!undo)
            continue;
        if (undo.key) {
            if (seen.has(undo.key))
                continue;
            seen.add(undo.key);
        }
        const started = ctx.clock.now();
        try {
            await ctx.log.group(`undo: ${undo.title}`, () => undo.run(ctx));
            records.push({
                id: `undo-${step.id}`,
                title: `undo: ${undo.title}`,
                status: 'undone',
                ms: ctx.clock.now() - started,
            });
        }
        catch (cause) {
            const detail = errorMessage(cause);
            ctx.log.error(`undo failed: ${undo.title}: ${detail}`);
            records.push({
                id: `undo-${step.id}`,
                title: `undo: ${undo.title}`,
                status: 'undo-failed',
                ms: ctx.clock.now() - started,
                detail,
            });
        }
    }
}

;// CONCATENATED MODULE: ./src/deploy/pre-deploy.ts


/**
 * A pre-deploy (a migration) runs in a one-off container. When the SSH connection breaks while
 * it runs, the container goes on running on the host after its run has failed and released the
 * lock. A second migration must never start beside it: the next deploy waits for it (up to
 * lock-timeout, as it would wait for another deploy), and refuses if it is still running.
 */
async function runningPreDeploys(exec, app) {
    const result = await exec.run(listArgv(`${app}-pre`));
    return parseContainerList(result.stdout)
        .filter((c) => c.state === 'running' && c.name.endsWith('-pre'))
        .map((c) => c.name);
}
async function awaitEarlierPreDeploys(ctx, config) {
    const seconds = config.lockTimeoutSeconds;
    for (const name of await runningPreDeploys(ctx.exec, config.app)) {
        const advice = `refusing to run a second pre-deploy beside it: wait for it, or remove it (docker rm --force ${name}) if it hangs`;
        if (seconds === 0)
            throw new Error(`the pre-deploy container ${name} of an earlier run is still running; ${advice}`);
        ctx.log.warn(`the pre-deploy container ${name} of an earlier run is still running (its run lost its connection?): waiting up to ${seconds}s for it to finish`);
        const waited = await ctx.exec.run(['docker', 'wait', name], {
            allowFailure: true,
            timeoutMs: seconds * 1000,
        });
        if (waited.exitCode === 124)
            throw new Error(`the pre-deploy container ${name} is still running after ${seconds}s; ${advice}`);
        ctx.log.info(waited.exitCode === 0
            ? `${name} finished with exit code ${waited.stdout.trim() || '?'}`
            : `${name} is gone (${waited.stderr.trim().split('\n').pop() ?? ''})`);
    }
}
/** After a failed pre-deploy: says so when its container still runs on the host. */
async function preDeployFailure(exec, config, name, cause) {
    const still = await runningPreDeploys(exec, config.app).catch(() => []);
    if (!still.includes(name))
        return cause instanceof Error ? cause : new Error(errorMessage(cause));
    return new Error(`${errorMessage(cause)}; its container ${name} is still running on the host: the next deploy waits for it before another pre-deploy`);
}

;// CONCATENATED MODULE: ./src/host/paths.ts
/** Remote paths are checked here before any command uses them. */
/** An absolute path with no `..`, no empty or control characters: safe to hand to rm/mv. */
function paths_checkRemotePath(path) {
    if (!path.startsWith('/') || path.length > 4096) {
        throw new Error(`remote path '${path}' must be absolute`);
    }
    // eslint-disable-next-line no-control-regex
    if (/[\0-\x1f\x7f]/.test(path))
        throw new Error(`remote path ${JSON.stringify(path)} has control characters`);
    if (path.split('/').some((part) => part === '..' || part === '.')) {
        throw new Error(`remote path '${path}' must not contain . or .. segments`);
    }
    return path.replace(/\/+$/, '') || '/';
}
/** Whether `path` lies strictly inside `dir` (both already checked). */
function paths_isInside(dir, path) {
    const base = paths_checkRemotePath(dir);
    const target = paths_checkRemotePath(path);
    return base !== '/' && target.startsWith(`${base}/`);
}
function dirname(path) {
    const cut = path.lastIndexOf('/');
    return cut <= 0 ? '/' : path.slice(0, cut);
}

;// CONCATENATED MODULE: ./src/host/files.ts




/**
 * Remote files through argv only: content travels on stdin, never in an argument. Where one
 * round trip has to do several things, the work is a FIXED script run as
 * `sh -c SCRIPT NAME ARG...`: the script never changes, values reach it only as positional
 * parameters ("$1"), which src/ssh/quote.ts quotes like any other argument.
 */
/**
 * Atomic replace: write a temp file beside the target (umask 077), check its size and sha256
 * against what was sent (a connection cut mid-upload leaves a short file, which must never be
 * renamed over the real one), chmod, then rename(2) over the target.
 */
const WRITE_SCRIPT = [
    'set -e',
    'umask 077',
    'mkdir -p -- "$(dirname -- "$1")"',
    't="$1.tmp.$$"',
    'trap \'rm -f -- "$t"\' EXIT',
    // A dropped connection closes our pipes: die through exit, so the EXIT trap still runs.
    "trap 'exit 75' HUP INT TERM PIPE",
    'cat > "$t"',
    'n=$(wc -c < "$t")',
    '[ "$n" -eq "$3" ] || { echo "short write: $n of $3 bytes" >&2; exit 75; }',
    'h=$(sha256sum < "$t")',
    '[ "${h%% *}" = "$4" ] || { echo "checksum mismatch" >&2; exit 75; }',
    'chmod "$2" -- "$t"',
    'mv -f -- "$t" "$1"',
    'trap - EXIT',
].join('\n');
/** Appends one verified record (same checks as WRITE_SCRIPT, then one append on the host). */
const APPEND_SCRIPT = [
    'set -e',
    'umask 077',
    'mkdir -p -- "$(dirname -- "$1")"',
    't="$1.tmp.$$"',
    'trap \'rm -f -- "$t"\' EXIT',
    // A dropped connection closes our pipes: die through exit, so the EXIT trap still runs.
    "trap 'exit 75' HUP INT TERM PIPE",
    'cat > "$t"',
    'n=$(wc -c < "$t")',
    '[ "$n" -eq "$2" ] || { echo "short write: $n of $2 bytes" >&2; exit 75; }',
    'h=$(sha256sum < "$t")',
    '[ "${h%% *}" = "$3" ] || { echo "checksum mismatch" >&2; exit 75; }',
    'cat -- "$t" >> "$1"',
].join('\n');
/** The file's text, or undefined when it does not exist. Other failures throw. */
async function readFile(exec, path) {
    const file = paths_checkRemotePath(path);
    const result = await exec.run(['cat', '--', file], { allowFailure: true });
    if (result.exitCode === 0)
        return result.stdout;
    // Decide "absent" by asking, not by parsing a (possibly translated) error message.
    const exists = await exec.run(['test', '-e', file], { allowFailure: true });
    if (exists.exitCode !== 0)
        return undefined;
    throw new CommandError(exec.where, ['cat', '--', file], result);
}
/** Replaces a file atomically: readers see the old content or the new, never a part. */
async function writeFileAtomic(exec, path, content, mode = '0600') {
    const file = paths_checkRemotePath(path);
    if (!/^[0-7]{3,4}$/.test(mode))
        throw new Error(`file mode '${mode}' is not octal`);
    const bytes = Buffer.from(content, 'utf8');
    await script(exec, `writing ${file}`, [WRITE_SCRIPT, 'tg-write', file, mode, String(bytes.length), sha256(bytes)], content);
}
/** Appends `content` whole or not at all (the upload is verified before the append). */
async function appendFile(exec, path, content) {
    const file = paths_checkRemotePath(path);
    const bytes = Buffer.from(content, 'utf8');
    await script(exec, `appending to ${file}`, [APPEND_SCRIPT, 'tg-append', file, String(bytes.length), sha256(bytes)], content);
}
/** `rm -rf` of a path that must lie strictly inside `dir` (checked here, before anything runs). */
async function removeInside(exec, dir, path) {
    if (!isInside(dir, path)) {
        throw new Error(`refusing to remove '${path}': it is not inside '${dir}'`);
    }
    await exec.run(['rm', '-rf', '--', checkRemotePath(path)]);
}
/** Runs a fixed script; a failure names what was being done, not the whole script text. */
async function script(exec, what, args, input) {
    const result = await exec.run(['sh', '-c', ...args], { input, allowFailure: true });
    if (result.exitCode !== 0) {
        const detail = result.stderr.trim().split('\n').slice(-3).join(' | ');
        throw new StepError('host', `${exec.where}: ${what} failed (exit ${result.exitCode})${detail ? `: ${detail}` : ''}; the file was left as it was`);
    }
}
function uniqueSuffix() {
    return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
function sha256(bytes) {
    return (0,external_node_crypto_namespaceObject.createHash)('sha256').update(bytes).digest('hex');
}

;// CONCATENATED MODULE: ./src/host/lock.ts



/**
 * One remote script per attempt, so an attempt is one round trip and the steps that must not
 * interleave run on the host, not across the network. Arguments: $1 lock dir, $2 TTL seconds,
 * $3 our token; holder JSON on stdin. Times are the HOST's clock (date +%s), so clock skew
 * between runners does not matter.
 *
 * - `mkdir` is atomic: whoever creates the dir holds the lock. The holder writes token, holder.json
 *   and expires inside it (expires last). A lock without `expires` (its maker died between mkdir
 *   and the write) expires at the dir's mtime + TTL.
 * - A lock past its expiry is stale. Taking it over is serialised by a second atomic mkdir
 *   (`<lock>.takeover`): under it the expiry is read AGAIN, the stale dir is renamed away (rename
 *   is atomic), and the lock is made with mkdir as usual, so two runs racing for a stale lock
 *   cannot both win. A takeover mutex older than 60 s (its maker died) is removed.
 *
 * Prints one of: `acquired NOW`, `tookover NOW` + old holder, `held NOW EXPIRES` + holder, `busy NOW`.
 */
const LOCK_SCRIPT = `set -e
umask 077
lock=$1; ttl=$2; token=$3
now=$(date +%s)
mkdir -p -- "$(dirname -- "$lock")"
holder=$(cat)
claim() {
  printf '%s\\n' "$token" > "$lock/token"
  printf '%s\\n' "$holder" > "$lock/holder.json.tmp" && mv -f -- "$lock/holder.json.tmp" "$lock/holder.json"
  printf '%s\\n' "$((now + ttl))" > "$lock/expires.tmp" && mv -f -- "$lock/expires.tmp" "$lock/expires"
}
expiry() {
  e=$(cat -- "$lock/expires" 2>/dev/null || true)
  case $e in ''|*[!0-9]*) m=$(stat -c %Y -- "$lock" 2>/dev/null || echo "$now"); e=$((m + ttl)) ;; esac
  echo "$e"
}
if mkdir -- "$lock" 2>/dev/null; then claim; echo "acquired $now"; exit 0; fi
e=$(expiry)
if [ "$now" -lt "$e" ]; then
  echo "held $now $e"; cat -- "$lock/holder.json" 2>/dev/null || true; exit 0
fi
if mkdir -- "$lock.takeover" 2>/dev/null; then
  trap 'rmdir -- "$lock.takeover" 2>/dev/null || true' EXIT
  e=$(expiry)
  if [ -d "$lock" ] && [ "$now" -ge "$e" ]; then
    old=$(cat -- "$lock/holder.json" 2>/dev/null || true)
    mv -- "$lock" "$lock.stale.$now.$$"
    rm -rf -- "$lock.stale.$now.$$"
    if mkdir -- "$lock" 2>/dev/null; then claim; echo "tookover $now"; printf '%s\\n' "$old"; exit 0; fi
  fi
  echo "busy $now"; exit 0
fi
m=$(stat -c %Y -- "$lock.takeover" 2>/dev/null || echo "$now")
if [ $((now - m)) -gt 60 ]; then rmdir -- "$lock.takeover" 2>/dev/null || true; fi
echo "busy $now"`;
/** $1 lock dir, $2 TTL, $3 token. Exit 3: the lock is not ours any more. */
const REFRESH_SCRIPT = `set -e
lock=$1; ttl=$2; token=$3
t=$(cat -- "$lock/token" 2>/dev/null || true)
[ "$t" = "$token" ] || { echo "the lock is held by someone else now" >&2; exit 3; }
now=$(date +%s)
printf '%s\\n' "$((now + ttl))" > "$lock/expires.tmp" && mv -f -- "$lock/expires.tmp" "$lock/expires"
echo "refreshed $((now + ttl))"`;
/** $1 lock dir, $2 token. Renames the dir away first, so the lock vanishes in one step. */
const RELEASE_SCRIPT = `set -e
lock=$1; token=$2
t=$(cat -- "$lock/token" 2>/dev/null || true)
if [ "$t" != "$token" ]; then echo "notours"; cat -- "$lock/holder.json" 2>/dev/null || true; exit 0; fi
mv -- "$lock" "$lock.released.$$"
rm -rf -- "$lock.released.$$"
echo "released"`;
/**
 * Takes the deploy lock on a host. Waits for a live holder up to timeoutSeconds (then fails with
 * a message naming the holder), takes over a stale one (TTL passed: a cancelled or killed run).
 */
async function acquireLock(exec, lockDir, holder, options) {
    const lock = paths_checkRemotePath(lockDir);
    const ttl = Math.max(1, Math.round(options.ttlSeconds));
    const token = `${holder.runId}-${(0,external_node_crypto_namespaceObject.randomBytes)(8).toString('hex')}`;
    const body = JSON.stringify({ ...holder, ttlSeconds: ttl });
    const started = options.clock.now();
    let wait = options.pollMs ?? 1000;
    let lastHolder = '';
    for (;;) {
        const result = await exec.run(['sh', '-c', LOCK_SCRIPT, 'tg-lock', lock, String(ttl), token], {
            input: body,
        });
        const [head = '', ...rest] = result.stdout.split('\n');
        const [state, , expires] = head.split(' ');
        const other = rest.join('\n').trim();
        if (state === 'acquired' || state === 'tookover') {
            if (state === 'tookover') {
                options.log.warn(`${exec.where}: took over a stale deploy lock (its TTL had passed) from ${describeHolder(other)}`);
            }
            else {
                options.log.info(`${exec.where}: deploy lock taken (${lock})`);
            }
            return heldLock(exec, lock, ttl, token, options.log);
        }
        if (state !== 'held' && state !== 'busy') {
            throw new StepError('lock', `${exec.where}: unexpected answer from the lock script: ${head}`);
        }
        const elapsed = (options.clock.now() - started) / 1000;
        const who = state === 'held' ? describeHolder(other) : 'another run taking over a stale lock';
        if (elapsed >= options.timeoutSeconds) {
            const now = Number(head.split(' ')[1]);
            const left = expires ? Number(expires) - now : undefined;
            throw new StepError('lock', `${exec.where}: gave up after ${Math.round(elapsed)}s (lock-timeout ${options.timeoutSeconds}s) waiting for the deploy lock ${lock}, ` +
                `held by ${who}${left !== undefined && Number.isFinite(left) ? `; it expires in ${left}s unless its holder refreshes it` : ''}. ` +
                `If that run is still going, wait for it; if it is gone, the lock is taken over once its TTL passes.`);
        }
        if (who !== lastHolder) {
            options.log.info(`${exec.where}: waiting for the deploy lock held by ${who}`);
            lastHolder = who;
        }
        const remaining = options.timeoutSeconds * 1000 - (options.clock.now() - started);
        await options.clock.sleep(Math.max(1, Math.min(wait, remaining)));
        wait = Math.min(wait * 2, 10_000);
    }
}
function heldLock(exec, lock, ttl, token, log) {
    let released = false;
    return {
        async refresh() {
            if (released)
                throw new StepError('lock', `${exec.where}: the deploy lock was already released`);
            const result = await exec.run(['sh', '-c', REFRESH_SCRIPT, 'tg-lock-refresh', lock, String(ttl), token], {
                allowFailure: true,
            });
            if (result.exitCode === 3) {
                throw new StepError('lock', `${exec.where}: lost the deploy lock ${lock}: its TTL (${ttl}s) passed and another run took it over. ` +
                    `Stop here; raise lock-ttl if steps take longer.`);
            }
            if (result.exitCode !== 0) {
                throw new StepError('lock', `${exec.where}: could not refresh the deploy lock: ${result.stderr.trim()}`);
            }
        },
        async release() {
            if (released)
                return;
            const result = await exec.run(['sh', '-c', RELEASE_SCRIPT, 'tg-lock-release', lock, token]);
            released = true;
            if (result.stdout.startsWith('notours')) {
                log.warn(`${exec.where}: did not remove the deploy lock: it now belongs to ${describeHolder(result.stdout.split('\n').slice(1).join('\n'))}`);
            }
            else {
                log.info(`${exec.where}: deploy lock released`);
            }
        },
    };
}
/** `actor (run 123, https://...) since <startedAt>` from holder.json text. */
function describeHolder(json) {
    try {
        const h = JSON.parse(json);
        const parts = [
            h.runId ? `run ${h.runId}` : undefined,
            h.url,
            h.host ? `from ${h.host}` : undefined,
        ]
            .filter(Boolean)
            .join(', ');
        return `${h.actor ?? 'unknown'}${parts ? ` (${parts})` : ''}${h.startedAt ? ` since ${h.startedAt}` : ''}`;
    }
    catch {
        return json.trim()
            ? `an unreadable holder (${json.trim().slice(0, 100)})`
            : 'an unknown holder';
    }
}

;// CONCATENATED MODULE: ./src/host/state.ts



const DEFAULT_STATE_BASE = '/var/lib/tg-devops';
const APP_NAME = /^[a-z0-9][a-z0-9_.-]{0,62}$/;
/** How many past releases state.json keeps. */
const HISTORY_LIMIT = 20;
/** Validates the app name (InputError 'app') and the base (InputError 'state-dir'). */
function appPaths(stateBase, app) {
    if (!APP_NAME.test(app) || app.includes('..')) {
        throw new InputError('app', `'${app.slice(0, 80)}' is not a valid app name: lower-case letters, digits, '_', '.', '-', starting with a letter or digit, at most 63 characters`);
    }
    let base;
    try {
        base = paths_checkRemotePath(stateBase);
    }
    catch (error) {
        throw new InputError('state-dir', error.message);
    }
    if (base === '/')
        throw new InputError('state-dir', 'must not be /');
    const dir = `${base}/${app}`;
    return {
        dir,
        state: `${dir}/state.json`,
        lock: `${dir}/lock`,
        audit: `${dir}/audit.jsonl`,
        envFile: `${dir}/app.env`,
        backups: `${dir}/backups`,
    };
}
/** The app's state on the host; an empty state when none was written yet. A corrupt file throws. */
async function readState(exec, paths) {
    const text = await readFile(exec, paths.state);
    const app = paths.dir.slice(paths.dir.lastIndexOf('/') + 1);
    if (text === undefined || text.trim() === '')
        return { app, history: [] };
    let data;
    try {
        data = JSON.parse(text);
    }
    catch (error) {
        throw new StepError('state', `${exec.where}: ${paths.state} is not valid JSON (${error.message}); it was not written by tg-devops, fix or remove it by hand`);
    }
    return checkState(data, paths.state, exec.where);
}
/** Writes state.json atomically (tmp + verified + rename), history capped at HISTORY_LIMIT. */
async function writeState(exec, paths, state) {
    const trimmed = { ...state, history: state.history.slice(-HISTORY_LIMIT) };
    await writeFileAtomic(exec, paths.state, `${JSON.stringify(trimmed, null, 2)}\n`, '0600');
}
/** Records a new current release: the old current becomes previous, and both go into history. */
function promote(state, release) {
    return {
        app: state.app,
        current: release,
        previous: state.current ?? state.previous,
        history: [...state.history.filter((r) => r.id !== release.id), release].slice(-HISTORY_LIMIT),
    };
}
/** Appends one JSON line to the audit history (verified upload, then one append on the host). */
async function appendAudit(exec, paths, entry) {
    const line = JSON.stringify(entry);
    await appendFile(exec, paths.audit, `${line}\n`);
}
/** The last `limit` audit entries, oldest first; lines that do not parse are skipped. */
async function readAudit(exec, paths, limit = 50) {
    const result = await exec.run(['tail', '-n', String(limit), '--', paths_checkRemotePath(paths.audit)], {
        allowFailure: true,
    });
    if (result.exitCode !== 0)
        return [];
    const entries = [];
    for (const line of result.stdout.split('\n')) {
        if (!line.trim())
            continue;
        try {
            entries.push(JSON.parse(line));
        }
        catch {
            // a line cut by a crash in an older writer: skip it
        }
    }
    return entries;
}
function checkState(data, file, where) {
    const fail = (problem) => {
        throw new StepError('state', `${where}: ${file}: ${problem}`);
    };
    if (!isObject(data))
        return fail('is not a JSON object');
    if (typeof data.app !== 'string')
        fail('has no app name');
    const history = data.history ?? [];
    if (!Array.isArray(history))
        return fail('history is not a list');
    for (const key of ['current', 'previous']) {
        const release = data[key];
        if (release !== undefined && !isRelease(release))
            fail(`${key} is not a release`);
    }
    if (!history.every(isRelease))
        fail('history holds something that is not a release');
    return {
        app: data.app,
        current: data.current,
        previous: data.previous,
        history: history,
    };
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function isRelease(value) {
    return (isObject(value) &&
        typeof value.id === 'string' &&
        typeof value.image === 'string' &&
        typeof value.container === 'string' &&
        typeof value.startedAt === 'string' &&
        typeof value.strategy === 'string');
}

;// CONCATENATED MODULE: ./src/deploy/ports.ts



const hostPrimitives = {
    appPaths: appPaths,
    readState: readState,
    writeState: writeState,
    appendAudit: appendAudit,
    acquireLock: acquireLock,
    writeFileAtomic: writeFileAtomic,
};
function otherColor(color) {
    return color === 'blue' ? 'green' : 'blue';
}

;// CONCATENATED MODULE: ./src/deploy/backup.ts

/**
 * backup: postgres — pg_dump on the host before the pre-deploy, checked readable with
 * pg_restore --list, keeping the newest N dumps. The database URL comes from the env input; its
 * password travels on stdin into PGPASSWORD (never into argv, which `ps` shows), through a
 * constant script whose only inputs are positional arguments.
 */
const DUMP_SCRIPT = 'IFS= read -r PGPASSWORD; export PGPASSWORD; umask 077; exec pg_dump --format=custom --no-owner --file "$1" --dbname "$2"';
function splitDatabaseUrl(url) {
    let parsed;
    try {
        parsed = new URL(url);
    }
    catch {
        throw new StepError('backup', 'the database URL in the env input is not a URL');
    }
    if (!/^postgres(?:ql)?:$/.test(parsed.protocol))
        throw new StepError('backup', 'the database URL is not postgresql://');
    const password = decodeURIComponent(parsed.password);
    parsed.password = '';
    return { withoutPassword: parsed.toString(), password };
}
function backupSteps(config, paths, releaseId) {
    const backup = config.backup;
    if (!backup)
        return [];
    const file = `${paths.backups}/${config.app}-${releaseId}.dump`;
    return [
        {
            id: 'backup',
            title: `pg_dump ${backup.databaseUrlVariable} to ${file}, check it with pg_restore --list, keep the newest ${backup.keep}`,
            argv: [
                'sh',
                '-c',
                DUMP_SCRIPT,
                'pg_dump',
                file,
                `<${backup.databaseUrlVariable} without password>`,
            ],
            run: async (ctx) => {
                const line = config.envFile
                    .split('\n')
                    .find((l) => l.startsWith(`${backup.databaseUrlVariable}=`));
                const url = line?.slice(backup.databaseUrlVariable.length + 1) ?? '';
                const { withoutPassword, password } = splitDatabaseUrl(url);
                if (password)
                    ctx.log.secret(password);
                await ctx.exec.run(['mkdir', '-p', paths.backups]);
                await ctx.exec.run(['sh', '-c', DUMP_SCRIPT, 'pg_dump', file, withoutPassword], {
                    input: `${password}\n`,
                });
                const list = await ctx.exec.run(['pg_restore', '--list', file]);
                const entries = list.stdout.split('\n').filter((l) => l && !l.startsWith(';')).length;
                ctx.facts.backup = file;
                ctx.log.info(`backup ${file}: readable, ${entries} table-of-contents entries`);
                const all = await ctx.exec.run([
                    'find',
                    paths.backups,
                    '-maxdepth',
                    '1',
                    '-name',
                    `${config.app}-*.dump`,
                ]);
                const old = all.stdout.split('\n').filter(Boolean).sort().reverse().slice(backup.keep);
                if (old.length)
                    await ctx.exec.run(['rm', '-f', '--', ...old]);
            },
        },
    ];
}

;// CONCATENATED MODULE: ./src/deploy/strategies/handover.ts


/**
 * Handover (polling and MTProto bots): two instances never run at the same moment.
 * create the new container first (so the gap holds only a start), stop the old one with its
 * grace period, start the new one, measure the gap from docker's own timestamps, then gate:
 * running, healthy, and no 409 Conflict / AUTH_KEY_DUPLICATED in its logs for a window.
 * A failed gate stops the new one (undo of start) before it starts the old one again.
 */
function handoverSteps(input) {
    const { config, current, container } = input;
    const paths = input.probe.paths;
    const steps = [createStep(input, paths.envFile)];
    const oldRunning = current &&
        input.probe.containers.some((c) => c.name === current.container && c.state === 'running');
    if (current && oldRunning)
        steps.push(stopOldStep(current, config.stopGraceSeconds));
    steps.push(startStep(container, config.stopGraceSeconds));
    if (current && oldRunning) {
        steps.push({
            id: 'gap',
            title: `measure the gap between ${current.container} stopping and ${container} starting`,
            run: async (ctx) => {
                const before = await inspectState(ctx.exec, current.container);
                const after = await inspectState(ctx.exec, container);
                const gap = Date.parse(after.StartedAt) - Date.parse(before.FinishedAt);
                if (Number.isFinite(gap)) {
                    ctx.facts.gapMs = gap;
                    ctx.log.info(`handover gap: ${gap} ms (no instance ran in between; none ran twice)`);
                }
            },
        });
    }
    steps.push({
        id: 'gate',
        title: `gate ${container}: running${config.healthPath ? `, ${config.healthPath} answers` : ''}, no 409/Conflict/AUTH_KEY_DUPLICATED for ${config.gateWindowSeconds}s`,
        run: async (ctx) => {
            const gctx = gateContext(ctx, input, new Date(ctx.clock.now() - 5000).toISOString());
            const ready = [runningGate, httpGate];
            const started = ctx.clock.now();
            await waitReady(gctx, ready, config.healthTimeoutSeconds);
            const window = await watchWindow(gctx, [runningGate, logGate(), ...ctx.extraGates], config.gateWindowSeconds);
            ctx.facts.waitMs += ctx.clock.now() - started;
            ctx.facts.gateChecks = window.checks;
            ctx.facts.gateResults = window.results.map((r) => `${r.name}: ${r.evidence}`);
        },
    });
    return steps;
}
function gateContext(ctx, input, since) {
    return {
        exec: ctx.exec,
        clock: ctx.clock,
        log: ctx.log,
        container: input.container,
        port: input.port,
        healthPath: input.config.healthPath,
        since,
        httpTool: ctx.httpTool,
    };
}


;// CONCATENATED MODULE: ./src/deploy/strategies/bluegreen.ts



/**
 * Blue-green (webhook and worker bots): start the new color on its own loopback port, gate it
 * directly, switch the proxy, watch a window, drain the old color, stop it and keep it.
 */
function blueGreenSteps(input) {
    return [...startAndGate(input), ...switchTo(input, 100), ...finish(input)];
}
function startAndGate(input) {
    const { config, container } = input;
    return [
        createStep(input, input.probe.paths.envFile),
        startStep(container, config.stopGraceSeconds),
        {
            id: 'ready',
            title: `health-gate ${container} directly: running${input.port && config.healthPath ? `, GET 127.0.0.1:${input.port}${config.healthPath}` : ''} (up to ${config.healthTimeoutSeconds}s)`,
            run: async (ctx) => {
                const started = ctx.clock.now();
                await waitReady(gateContext(ctx, input, new Date(started).toISOString()), [runningGate, httpGate], config.healthTimeoutSeconds);
                ctx.facts.waitMs += ctx.clock.now() - started;
            },
        },
    ];
}
/** The backends that route `weight` percent to the new color, the rest to the current one. */
function backends(input, weight) {
    const out = [];
    if (input.port !== undefined)
        out.push({ color: input.color, port: input.port, weight });
    const old = input.current;
    if (weight < 100 && old?.color && old.port !== undefined)
        out.push({ color: old.color, port: old.port, weight: 100 - weight });
    return out;
}
function routeStep(input, weight) {
    if (!input.port || input.config.proxy === 'none')
        return [];
    const before = input.probe.routed ?? [];
    const target = backends(input, weight);
    return [
        {
            id: `route-${weight}`,
            title: weight === 100
                ? `switch the ${input.config.proxy} upstream to ${input.color} (port ${input.port})`
                : `route ${weight}% to ${input.color}, ${100 - weight}% to ${input.current?.color}`,
            run: async (ctx) => {
                if (!ctx.proxy)
                    throw new Error('no traffic proxy configured');
                await ctx.proxy.route(ctx.exec, target);
            },
            undo: before.length
                ? {
                    title: `route back to ${before.map((b) => `${b.color}:${b.weight}%`).join(', ')}`,
                    key: 'route',
                    run: async (ctx) => {
                        await ctx.proxy?.route(ctx.exec, before);
                    },
                }
                : undefined,
        },
    ];
}
function switchTo(input, weight) {
    const { config, container } = input;
    return [
        ...routeStep(input, weight),
        {
            id: `watch-${weight}`,
            title: `watch ${container} for ${config.gateWindowSeconds}s after the switch`,
            run: async (ctx) => {
                const started = ctx.clock.now();
                const window = await watchWindow(gateContext(ctx, input, new Date(started).toISOString()), [runningGate, httpGate, ...ctx.extraGates], config.gateWindowSeconds);
                ctx.facts.waitMs += ctx.clock.now() - started;
                ctx.facts.gateChecks = (ctx.facts.gateChecks ?? 0) + window.checks;
                ctx.facts.gateResults = window.results.map((r) => `${r.name}: ${r.evidence}`);
            },
        },
    ];
}
function finish(input) {
    const { config, current } = input;
    if (!current)
        return [];
    const running = input.probe.containers.some((c) => c.name === current.container && c.state === 'running');
    if (!running)
        return [];
    const steps = [];
    if (input.port && config.proxy !== 'none' && current.color)
        steps.push(drainStep(current, config.drainSeconds));
    steps.push(stopOldStep(current, config.stopGraceSeconds, async (ctx) => {
        // Back in service before the route undo sends traffic to it again.
        await waitReady({
            ...gateContext(ctx, input, new Date(ctx.clock.now()).toISOString()),
            container: current.container,
            port: current.port,
        }, [runningGate, httpGate], config.healthTimeoutSeconds).catch((error) => ctx.log.warn(`${current.container} not ready again: ${String(error)}`));
    }));
    return steps;
}
function drainStep(current, seconds) {
    return {
        id: 'drain',
        title: `drain ${current.color} (${current.container}) for up to ${seconds}s`,
        run: async (ctx) => {
            const started = ctx.clock.now();
            await ctx.proxy?.drain(ctx.exec, current.color, seconds, ctx.clock);
            ctx.facts.waitMs += ctx.clock.now() - started;
        },
    };
}

;// CONCATENATED MODULE: ./src/deploy/strategies/canary.ts



/**
 * Canary (webhook bots): both colors run and the proxy weights move step by step. After each
 * step and its interval the gates run (container, health, and any plugged-in checks); a failure
 * routes everything back to the current color (the shared undo) and removes the canary.
 * Promotion (100) ends like blue-green.
 */
function canarySteps(input) {
    const { config } = input;
    if (!input.current)
        return [...startAndGate(input), ...switchTo(input, 100), ...finish(input)];
    const steps = [...startAndGate(input)];
    for (const weight of config.canarySteps) {
        if (weight === 100)
            break;
        steps.push(...routeStep(input, weight), {
            id: `gate-${weight}`,
            title: `hold ${weight}% for ${config.stepIntervalSeconds}s, then gate ${input.container}`,
            run: async (ctx) => {
                const started = ctx.clock.now();
                await ctx.clock.sleep(config.stepIntervalSeconds * 1000);
                const gctx = gateContext(ctx, input, new Date(started).toISOString());
                for (const gate of [runningGate, httpGate, ...ctx.extraGates]) {
                    const result = await gate(gctx);
                    if (!result.ok)
                        throw new GateError(result);
                }
                ctx.facts.waitMs += ctx.clock.now() - started;
                ctx.facts.gateChecks = (ctx.facts.gateChecks ?? 0) + 1;
            },
        });
    }
    return [...steps, ...switchTo(input, 100), ...finish(input)];
}

;// CONCATENATED MODULE: ./src/deploy/plan.ts







function commandStep(id, title, argv, extra = {}) {
    return {
        id,
        title,
        argv,
        undo: extra.undo,
        optional: extra.optional,
        run: async (ctx) => {
            await ctx.exec.run(argv, extra.input === undefined ? {} : { input: extra.input });
        },
    };
}
function commandUndo(title, argv, key) {
    return {
        title,
        key,
        run: async (ctx) => {
            await ctx.exec.run(argv, { allowFailure: true });
        },
    };
}
function reconcile(config, probe) {
    const notes = [];
    const running = probe.containers.filter((c) => c.state === 'running' || c.state === 'restarting');
    let current = probe.state.current;
    const routedColor = probe.routed
        ?.filter((b) => b.weight > 0)
        .sort((a, b) => b.weight - a.weight)[0]?.color;
    const currentRunning = current && running.some((c) => c.name === current.container);
    const adopt = (c, why) => {
        notes.push(`adopting ${c.name} as the current release: ${why}`);
        return {
            id: c.releaseId ?? c.name,
            image: c.image ?? 'unknown',
            color: c.color,
            port: c.color ? config.hostPorts[c.color] : undefined,
            container: c.name,
            startedAt: c.createdAt ?? '',
            strategy: 'adopted',
        };
    };
    if (routedColor && current?.color !== routedColor) {
        // A deploy was cut off after its switch: the proxy is the truth for who serves.
        const serving = running.find((c) => c.color === routedColor);
        if (serving)
            current = adopt(serving, `the proxy routes to ${routedColor}`);
    }
    else if (!currentRunning && !probe.routed) {
        // No proxy (handover, worker): a deploy cut off after starting its container.
        const newest = [...running].sort((a, b) => (b.releaseId ?? '').localeCompare(a.releaseId ?? ''))[0];
        if (newest && newest.name !== current?.container)
            current = adopt(newest, `${current?.container ?? 'no release'} is not running`);
    }
    const strays = running.filter((c) => c.name !== current?.container);
    for (const s of strays)
        notes.push(`stray container ${s.name} (${s.state}) will be removed first`);
    return { current, strays, notes };
}
function buildPlan(input) {
    const { config, probe, releaseId } = input;
    const { current, strays, notes } = reconcile(config, probe);
    const color = otherColor(current?.color);
    const takesTraffic = config.botMode === 'webhook' || Boolean(config.healthPath);
    const port = takesTraffic ? config.hostPorts[color] : undefined;
    const container = containerName(config.app, releaseId);
    const release = {
        id: releaseId,
        image: config.image.raw,
        color,
        port,
        container,
        startedAt: input.now,
        strategy: config.strategy,
        // Until the pull shows the image's migration label (the record step applies it).
        irreversibleMigration: migrationMark(Boolean(config.preDeploy), undefined),
        proxy: input.proxy?.kind ?? 'none',
        haproxyFrontendPort: input.proxy?.kind === 'haproxy' ? input.proxy.frontendPort : undefined,
    };
    const steps = [];
    const cleanup = [];
    const paths = probe.paths;
    for (const stray of strays)
        steps.push(commandStep(`remove-stray-${stray.name}`, `remove stray ${stray.name}`, removeArgv(stray.name)));
    const dockerConfig = `${paths.dir}/docker-config`;
    if (config.registry) {
        const { server, username, password } = config.registry;
        steps.push(commandStep('login', `log in to ${server} (password on stdin)`, loginArgv(server, username, dockerConfig), {
            input: `${password}\n`,
        }));
        cleanup.push(commandStep('logout', `log out of ${server}`, ['docker', '--config', dockerConfig, 'logout', server], {
            optional: true,
        }));
    }
    steps.push(pullStep(config, config.registry ? dockerConfig : undefined));
    steps.push(writeEnvStep(paths, config));
    steps.push(...backupSteps(config, paths, releaseId));
    if (config.preDeploy) {
        const argv = preDeployArgv(config, releaseId, paths.envFile);
        steps.push({
            id: 'pre-deploy',
            title: `pre-deploy in a one-off container: ${config.preDeploy.join(' ')}`,
            argv,
            run: async (ctx) => {
                // Never two migrations at once: one left running by a cut-off run is waited for.
                await awaitEarlierPreDeploys(ctx, config);
                // Its output (migrations) goes to the log line by line; a failure stops the deploy.
                try {
                    await ctx.exec.run(argv, { onLine: (line) => ctx.log.info(`pre-deploy | ${line}`) });
                }
                catch (error) {
                    throw await preDeployFailure(ctx.exec, config, `${config.app}-${releaseId}-pre`, error);
                }
            },
        });
    }
    const strategyInput = {
        config,
        probe,
        current,
        release,
        color,
        port,
        container,
        releaseId,
    };
    if (config.strategy === 'handover')
        steps.push(...handoverSteps(strategyInput));
    else if (config.strategy === 'blue-green')
        steps.push(...blueGreenSteps(strategyInput));
    else
        steps.push(...canarySteps(strategyInput));
    const next = {
        app: config.app,
        current: release,
        previous: current,
        history: [release, ...probe.state.history.filter((r) => r.id !== release.id)].slice(0, 20),
    };
    steps.push(recordStateStep(paths, probe.state, next, Boolean(config.preDeploy)));
    steps.push(...pruneSteps(config, probe, new Set([container, current?.container ?? ''])));
    return {
        app: config.app,
        strategy: config.strategy,
        releaseId,
        image: config.image.raw,
        color,
        container,
        port,
        current,
        release,
        steps,
        cleanup,
        notes: [...config.warnings, ...notes],
    };
}
function writeEnvStep(paths, config) {
    return {
        id: 'env-file',
        title: `write the env file ${paths.envFile} (0600, ${config.envKeys.length} variable(s), content over stdin)`,
        run: async (ctx) => {
            await ctx.host.writeFileAtomic(ctx.exec, paths.envFile, config.envFile, '0600');
        },
    };
}
/**
 * Pulls the image, then reads its migration label (read-only; a failure to read it only warns
 * and keeps the pre-deploy rule).
 */
function pullStep(config, dockerConfig) {
    const argv = pullArgv(config.image.raw, dockerConfig);
    return {
        id: 'pull',
        title: `pull ${config.image.raw}`,
        argv,
        run: async (ctx) => {
            await ctx.exec.run(argv);
            const out = await ctx.exec.run(imageLabelsArgv(config.image.raw), { allowFailure: true });
            let label;
            try {
                if (out.exitCode !== 0)
                    throw new Error(out.stderr.trim().slice(0, 200));
                label = parseMigrationLabel(out.stdout);
            }
            catch (error) {
                ctx.log.warn(`labels of ${config.image.raw} not readable (${error.message}); ` +
                    `${config.preDeploy ? 'its pre-deploy counts as an irreversible migration' : 'no migration recorded'}`);
            }
            ctx.facts.migrationLabel = label;
            if (label)
                ctx.log.info(`image label ${MIGRATION_LABEL}=${label}`);
        },
    };
}
/** The new release as recorded: its migration mark follows the label the pull read. */
function recordedState(after, hadPreDeploy, facts) {
    const current = after.current;
    if (!current)
        return after;
    const mark = migrationMark(hadPreDeploy, facts.migrationLabel);
    if (mark === current.irreversibleMigration)
        return after;
    const release = { ...current, irreversibleMigration: mark };
    return {
        ...after,
        current: release,
        history: after.history.map((r) => (r.id === release.id ? release : r)),
    };
}
function recordStateStep(paths, before, after, hadPreDeploy) {
    return {
        id: 'record',
        title: `record release ${after.current?.id} as current (previous: ${after.previous?.id ?? 'none'})`,
        run: (ctx) => ctx.host.writeState(ctx.exec, paths, recordedState(after, hadPreDeploy, ctx.facts)),
        undo: {
            title: 'restore the previous state file',
            run: (ctx) => ctx.host.writeState(ctx.exec, paths, before),
        },
    };
}
/** Keeps the newest keep-releases containers (the new one and the previous among them). */
function pruneSteps(config, probe, keep) {
    const candidates = probe.containers
        .filter((c) => !keep.has(c.name) && c.state !== 'running')
        .sort((a, b) => (b.releaseId ?? '').localeCompare(a.releaseId ?? ''));
    const room = Math.max(0, config.keepReleases - keep.size);
    return candidates.slice(room).map((c) => commandStep(`prune-${c.name}`, `prune old release ${c.name}`, removeArgv(c.name), {
        optional: true,
    }));
}
/** Starts a created container; its undo stops it (the container itself goes with create's undo). */
function startStep(container, graceSeconds) {
    return commandStep('start', `start ${container}`, startArgv(container), {
        undo: commandUndo(`stop ${container}`, stopArgv(container, graceSeconds)),
    });
}
function createStep(input, envFile) {
    return commandStep('create', `create ${input.container} (${input.color}${input.port ? `, 127.0.0.1:${input.port}` : ''})`, createArgv({
        config: input.config,
        releaseId: input.releaseId,
        color: input.color,
        envFile,
        port: input.port,
    }), { undo: commandUndo(`remove ${input.container}`, removeArgv(input.container)) });
}
function stopOldStep(current, graceSeconds, waitAfterStart) {
    return commandStep('stop-old', `stop ${current.container} (SIGTERM, up to ${graceSeconds}s), keep it for rollback`, stopArgv(current.container, graceSeconds), {
        undo: {
            title: `start ${current.container} again`,
            run: async (ctx) => {
                await ctx.exec.run(startArgv(current.container), { allowFailure: true });
                if (waitAfterStart)
                    await waitAfterStart(ctx);
            },
        },
    });
}
async function inspectState(exec, container) {
    return parseState((await exec.run(inspectArgv(container))).stdout);
}
function backendsFor(color, port, weight) {
    return { color, port, weight };
}
// ---- printing ---------------------------------------------------------------------------------
function planText(plan) {
    const lines = [
        `Deploy ${plan.app}: ${plan.strategy}, release ${plan.releaseId} (${plan.color}${plan.port ? `, port ${plan.port}` : ''})`,
        `  image    ${plan.image}`,
        `  current  ${plan.current ? `${plan.current.id} ${plan.current.image} (${plan.current.color ?? '-'})` : 'none (first deploy)'}`,
        ...plan.notes.map((n) => `  note     ${n}`),
        '',
        ...plan.steps.flatMap((s, i) => [
            `${String(i + 1).padStart(2)}. ${s.title}${s.optional ? ' (best effort)' : ''}`,
            ...(s.argv ? [`      $ ${s.argv.join(' ')}`] : []),
            ...(s.undo ? [`      undo: ${s.undo.title}`] : []),
        ]),
        ...plan.cleanup.map((s) => `    always: ${s.title}`),
    ];
    return lines.join('\n');
}
const cell = (text) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
function planMarkdown(plan) {
    return [
        `**${plan.strategy}** of \`${cell(plan.image)}\` as release \`${plan.releaseId}\` (${plan.color}${plan.port ? `, port ${plan.port}` : ''}); current: ${plan.current ? `\`${plan.current.id}\`` : 'none'}`,
        '',
        ...plan.notes.map((n) => `> ${cell(n)}`),
        plan.notes.length ? '' : undefined,
        '| # | step | command | undo |',
        '| --- | --- | --- | --- |',
        ...plan.steps.map((s, i) => `| ${i + 1} | ${cell(s.title)} | ${s.argv ? `\`${cell(s.argv.join(' '))}\`` : ''} | ${s.undo ? cell(s.undo.title) : ''} |`),
    ]
        .filter((l) => l !== undefined)
        .join('\n');
}

;// CONCATENATED MODULE: ./src/deploy/command-line.ts

/**
 * A leaf module (errors.js only) so src/proxy can split the nginx/haproxy command inputs without
 * importing the deploy configuration.
 */
/** A command line split into argv: whitespace separates, '…' and "…" group; nothing expands. */
function splitCommand(value, input) {
    const argv = [];
    let current;
    let quote;
    for (const ch of value) {
        if (quote) {
            if (ch === quote)
                quote = undefined;
            else
                current = (current ?? '') + ch;
        }
        else if (ch === "'" || ch === '"') {
            quote = ch;
            current = current ?? '';
        }
        else if (/\s/.test(ch)) {
            if (current !== undefined)
                argv.push(current);
            current = undefined;
        }
        else
            current = (current ?? '') + ch;
    }
    if (quote)
        throw new InputError(input, `unbalanced ${quote} quote`);
    if (current !== undefined)
        argv.push(current);
    if (!argv.length)
        throw new InputError(input, 'is empty');
    if (argv.some((a) => a.includes('\0')))
        throw new InputError(input, 'NUL byte');
    return argv;
}

;// CONCATENATED MODULE: ./src/proxy/command.ts
/**
 * The proxy's user-given commands (nginx-test-command, nginx-reload-command,
 * haproxy-check-command, haproxy-reload-command) run through one function, so a command that is
 * not on the host (exit 127, "not found": /usr/sbin is not on a deploy user's PATH over SSH on
 * Debian) fails with the name of the input that sets it.
 */


/**
 * The program that was not found: argv[0] for exit 127; for another failure, the word of argv that
 * sh, bash or sudo report as "<name>: (command) not found" (`sudo haproxy ...`). Else undefined.
 */
function commandNotFound(argv, result) {
    if (result.exitCode === 0)
        return undefined;
    const first = argv[0] ?? '';
    for (const word of argv) {
        const name = word.split('/').pop() ?? '';
        if (!name || word.startsWith('-'))
            continue;
        const escaped = [word, name].map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
        const said = new RegExp(`(^|[\\s:])(${escaped.join('|')}): (command )?not found`, 'm');
        if (said.test(result.stderr))
            return word;
    }
    return result.exitCode === 127 ? first : undefined;
}
/** The message for a command that is not on the host: which input to set, and an example. */
function notFoundMessage(input, argv, where, detail = '', name = argv[0] ?? '') {
    const example = name.startsWith('/')
        ? ''
        : ` (e.g. '${argv.map((a) => (a === name ? `/usr/sbin/${name}` : a)).join(' ')}')`;
    return (`\`${name}\` was not found on ${where}${detail ? ` (${detail})` : ''}: ` +
        `set the ${input} input to a command that exists there, with its full path when its directory ` +
        `is not on the deploy user's PATH over SSH${example}`);
}
/**
 * Runs one of the proxy's commands. Not found: a StepError naming the input (its example shows
 * `template`, the command as the user wrote it, e.g. with `{config}`). Otherwise as exec.run: a
 * failure throws CommandError unless allowFailure.
 */
async function runProxyCommand(exec, step, input, argv, options = {}) {
    const { template = argv, ...runOptions } = options;
    let result;
    try {
        result = await exec.run(argv, { ...runOptions, allowFailure: true });
    }
    catch (error) {
        // a local executor cannot spawn a missing program at all
        if (error instanceof Error && /\bENOENT\b/.test(error.message))
            throw new StepError(step, notFoundMessage(input, template, exec.where, 'ENOENT'));
        throw error;
    }
    const missing = commandNotFound(argv, result);
    if (missing !== undefined)
        throw new StepError(step, notFoundMessage(input, template, exec.where, detailOf(result), missing));
    if (result.exitCode !== 0 && !options.allowFailure)
        throw new CommandError(exec.where, argv, result);
    return result;
}
function detailOf(result) {
    const last = result.stderr.trim().split('\n').slice(-1)[0] ?? '';
    return `exit ${result.exitCode}${last ? `: ${last}` : ''}`;
}

;// CONCATENATED MODULE: ./src/proxy/files.ts
/**
 * Files on the proxy host, through an Executor: content travels over stdin, paths as plain
 * arguments, no shell. Writes go to a temporary sibling first and are renamed into place, so a
 * reader (nginx -t, haproxy -c, another deploy) never sees half a file.
 */

/** The file's text, or undefined when it does not exist. */
async function readText(exec, path) {
    const result = await exec.run(['cat', '--', path], { allowFailure: true });
    if (result.exitCode === 0)
        return result.stdout;
    if (/No such file/i.test(result.stderr))
        return undefined;
    throw new Error(`${exec.where}: cannot read ${path}: ${result.stderr.trim()}`);
}
/** Writes content to `path` (via `<path>.tg-tmp` and a rename). */
async function writeText(exec, path, content) {
    const tmp = `${path}.tg-tmp`;
    await exec.run(['dd', `of=${tmp}`, 'status=none'], { input: content });
    await exec.run(['mv', '-f', '--', tmp, path]);
}
async function removeFile(exec, path) {
    await exec.run(['rm', '-f', '--', path]);
}
/** The same digest `sha256sum` prints, or 'absent' for a missing file. */
function digest(content) {
    return content === undefined ? 'absent' : (0,external_node_crypto_namespaceObject.createHash)('sha256').update(content).digest('hex');
}
/** Exit status of the compare-and-swap when the file changed since it was read. */
const CHANGED = 75;
/**
 * Renames `candidate` onto `path` only if `path` still has the digest it had when read, under
 * an flock on `<path>.tg-lock` shared by every tg-devops deploy on the host. The script is a
 * constant; the paths and the digest arrive as positional arguments ($1..$3), never in it.
 */
const SWAP_SCRIPT = [
    'if [ -e "$1" ]; then h=$(sha256sum < "$1") || exit 1; h=${h%% *}; else h=absent; fi',
    `[ "$h" = "$2" ] || { echo "$1 changed since it was read" >&2; exit ${CHANGED}; }`,
    'mv -f -- "$3" "$1"',
].join('\n');
function swapCommand(path, expected, candidate) {
    return [
        'flock',
        '-w',
        '30',
        `${path}.tg-lock`,
        'sh',
        '-c',
        SWAP_SCRIPT,
        'tg-devops-swap',
        path,
        expected,
        candidate,
    ];
}

;// CONCATENATED MODULE: ./src/proxy/types.ts
const COLORS = ['blue', 'green'];

;// CONCATENATED MODULE: ./src/proxy/validate.ts


/**
 * App names end up in file names (tg-<app>.upstream.conf), nginx upstream names (tg_<app>) and
 * HAProxy section names (fe_<app>, be_<app>): lower-case letters, digits, '-' and '_' only.
 */
const validate_APP_NAME = /^[a-z0-9][a-z0-9_-]{0,47}$/;
function validateSettings(settings) {
    if (settings.kind !== 'nginx' && settings.kind !== 'haproxy')
        throw new InputError('proxy', `must be nginx or haproxy (got '${String(settings.kind)}')`);
    if (!validate_APP_NAME.test(settings.app))
        throw new InputError('app', `'${settings.app}' must be 1-48 of a-z, 0-9, '-', '_' (it names files and proxy sections)`);
    const { nginx, haproxy } = settings;
    absolute('nginx-conf-dir', nginx.confDir);
    command('nginx-test-command', nginx.testCommand);
    command('nginx-reload-command', nginx.reloadCommand);
    if (settings.kind === 'haproxy') {
        absolute('haproxy-socket', haproxy.socket);
        // socat reads ':' and ',' in an address as syntax
        if (!/^\/[A-Za-z0-9._/@+-]+$/.test(haproxy.socket))
            throw new InputError('haproxy-socket', `'${haproxy.socket}': letters, digits and ._/@+- only`);
        absolute('haproxy-config', haproxy.configFile);
        command('haproxy-reload-command', haproxy.reloadCommand);
        port('haproxy-frontend-port', haproxy.frontendPort);
        if (haproxy.checkCommand) {
            command('haproxy-check-command', haproxy.checkCommand);
            if (!haproxy.checkCommand.includes('{config}'))
                throw new InputError('haproxy-check-command', "must name the candidate file as '{config}'");
        }
    }
}
/** Backends for route(): one or two distinct colors, ports 1..65535, weights 0..100, one > 0. */
function validateBackends(backends) {
    if (!Array.isArray(backends) || backends.length < 1 || backends.length > 2)
        throw new InputError('backends', 'give one or two backends (blue, green)');
    const seen = new Set();
    for (const b of backends) {
        if (!COLORS.includes(b.color))
            throw new InputError('backends', `color must be blue or green (got '${String(b.color)}')`);
        if (seen.has(b.color))
            throw new InputError('backends', `color ${b.color} appears twice`);
        seen.add(b.color);
        port('backends', b.port);
        if (!Number.isInteger(b.weight) || b.weight < 0 || b.weight > 100)
            throw new InputError('backends', `${b.color}: weight must be an integer 0..100 (got ${b.weight})`);
    }
    if (backends.length === 2 && backends[0].port === backends[1].port)
        throw new InputError('backends', `blue and green share port ${backends[0].port}`);
    if (!backends.some((b) => b.weight > 0))
        throw new InputError('backends', 'every weight is 0: nothing would serve the requests');
    return [...backends]
        .map((b) => ({ color: b.color, port: b.port, weight: b.weight }))
        .sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}
function port(name, value) {
    if (!Number.isInteger(value) || value < 1 || value > 65535)
        throw new InputError(name, `port must be an integer 1..65535 (got ${value})`);
}
function absolute(name, value) {
    if (typeof value !== 'string' || !value.startsWith('/') || /[\n\r\0]/.test(value))
        throw new InputError(name, `must be an absolute path (got '${String(value)}')`);
}
function command(name, argv) {
    if (!Array.isArray(argv) || argv.length === 0 || !argv[0])
        throw new InputError(name, 'must be a non-empty command (argv)');
    if (argv.some((a) => typeof a !== 'string' || a.includes('\0')))
        throw new InputError(name, 'arguments must be strings without NUL bytes');
}

;// CONCATENATED MODULE: ./src/proxy/nginx.ts





const upstreamName = (app) => `tg_${app}`;
const upstreamFile = (confDir, app) => `${confDir.replace(/\/+$/, '')}/tg-${app}.upstream.conf`;
const HEADER = (app, what) => `# Managed by tg-devops for app '${app}' (${what}); rewritten on each deploy, do not edit.\n`;
/** The include file for the baseline switch: one server line per color, weight 0 = `down`. */
function renderUpstream(app, backends) {
    const lines = validateBackends(backends).map((b) => b.weight > 0
        ? `    server 127.0.0.1:${b.port} weight=${b.weight}; # ${b.color}`
        : `    server 127.0.0.1:${b.port} down; # ${b.color}`);
    return (HEADER(app, 'traffic switch: nginx') +
        `upstream ${upstreamName(app)} {\n${lines.join('\n')}\n    keepalive 16;\n}\n`);
}
/** The include file when HAProxy does the switching: nginx always talks to its frontend. */
function renderFrontendUpstream(app, frontendPort) {
    return (HEADER(app, 'traffic switch: haproxy') +
        `upstream ${upstreamName(app)} {\n` +
        `    server 127.0.0.1:${frontendPort}; # haproxy fe_${app}\n` +
        // nginx must drop an idle upstream connection before HAProxy's `timeout http-keep-alive`
        // (75s) does, or a request sent on it in that instant is lost
        `    keepalive 16;\n    keepalive_timeout 30s;\n}\n`);
}
/** Backends in a file written by renderUpstream (colors from the trailing comments). */
function parseUpstream(text) {
    const found = [];
    for (const line of text.split('\n')) {
        const m = line.match(/^\s*server\s+127\.0\.0\.1:(\d+)(?:\s+weight=(\d+))?(\s+down)?\s*;\s*#\s*(blue|green)\s*$/);
        if (!m)
            continue;
        found.push({
            color: m[4],
            port: Number(m[1]),
            weight: m[3] ? 0 : Number(m[2] ?? 1),
        });
    }
    return found.sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}
/**
 * Puts `content` into the app's include file and makes it live: write, test, reload. Returns
 * false (and runs nothing else) when the file already has that content. On a failed test or
 * reload the previous file is restored (or the new one removed) and the error names the output.
 */
async function installUpstream(exec, nginx, app, content) {
    const path = upstreamFile(nginx.confDir, app);
    const before = await readText(exec, path);
    if (before === content)
        return false;
    await writeText(exec, path, content);
    const restore = async () => {
        if (before === undefined)
            await removeFile(exec, path);
        else
            await writeText(exec, path, before);
    };
    const test = await runProxyCommand(exec, 'nginx', 'nginx-test-command', nginx.testCommand, {
        allowFailure: true,
    }).catch(async (error) => {
        await restore();
        throw error;
    });
    if (test.exitCode !== 0) {
        await restore();
        throw new StepError('nginx', `config test failed with ${path}; restored the previous file, reloaded nothing:\n` +
            tail(test.stderr || test.stdout));
    }
    const reload = await runProxyCommand(exec, 'nginx', 'nginx-reload-command', nginx.reloadCommand, {
        allowFailure: true,
    }).catch(async (error) => {
        await restore();
        throw error;
    });
    if (reload.exitCode !== 0) {
        await restore();
        throw new StepError('nginx', `reload failed (the running config is unchanged); restored ${path}:\n` +
            tail(reload.stderr || reload.stdout));
    }
    return true;
}
/** Takes the app's include file out: remove, test, reload (the file comes back if the test fails). */
async function uninstallUpstream(exec, nginx, app) {
    const path = upstreamFile(nginx.confDir, app);
    const before = await readText(exec, path);
    if (before === undefined)
        return;
    await removeFile(exec, path);
    const test = await runProxyCommand(exec, 'nginx', 'nginx-test-command', nginx.testCommand, {
        allowFailure: true,
    }).catch(async (error) => {
        await writeText(exec, path, before);
        throw error;
    });
    if (test.exitCode !== 0) {
        await writeText(exec, path, before);
        throw new StepError('nginx', `config test failed without ${path} (is tg_${app} still used?); put it back:\n` +
            tail(test.stderr || test.stdout));
    }
    await runProxyCommand(exec, 'nginx', 'nginx-reload-command', nginx.reloadCommand);
}
/** Established TCP connections to 127.0.0.1:port on the host (requests in flight to a color). */
async function connectionsTo(exec, port) {
    const result = await exec.run(['ss', '-Htn', 'state', 'established', 'dport', '=', `:${port}`]);
    return result.stdout.split('\n').filter((l) => l.trim()).length;
}
/**
 * Waits until `count()` is 0, polling every 250 ms, at most `seconds`. Returns the last count.
 */
async function waitForZero(count, seconds, clock) {
    const end = clock.now() + Math.max(0, seconds) * 1000;
    for (;;) {
        const n = await count();
        if (n === 0 || clock.now() >= end)
            return n;
        await clock.sleep(Math.min(250, Math.max(1, end - clock.now())));
    }
}
function nginxProxy(app, nginx) {
    const path = upstreamFile(nginx.confDir, app);
    return {
        remove: (exec) => uninstallUpstream(exec, nginx, app),
        kind: 'nginx',
        async current(exec) {
            const text = await readText(exec, path);
            return text === undefined ? [] : parseUpstream(text);
        },
        async route(exec, backends) {
            const content = renderUpstream(app, backends); // validates first
            await installUpstream(exec, nginx, app, content);
        },
        async drain(exec, color, seconds, clock) {
            // Requests already sent to the color finish on the old workers; nginx reports no
            // per-server count, so count the connections to the color's port on the host.
            const text = await readText(exec, path);
            const backend = text === undefined ? undefined : parseUpstream(text).find((b) => b.color === color);
            if (!backend)
                return;
            await waitForZero(() => connectionsTo(exec, backend.port), seconds, clock);
        },
    };
}
function tail(text) {
    return text.trim().split('\n').slice(-8).join('\n');
}

;// CONCATENATED MODULE: ./src/proxy/haproxy.ts
/**
 * The zero-loss switch. nginx stays the user-facing proxy; its upstream for the app is a fixed
 * local HAProxy frontend (fe_<app>), written and reloaded once, when the app is first set up.
 * HAProxy's backend (be_<app>) has both colors as servers, and switching is a few commands on
 * the runtime API (stats socket): `set server be_<app>/<color> addr|weight|state`. Nothing
 * reloads, no connection is closed, requests in flight finish where they started.
 *
 * The same state is kept in HAProxy's config file (a managed block per app, several apps per
 * file), so a restart routes the same way. The file is checked (`haproxy -c`) before anything
 * changes and swapped in under a lock; HAProxy is reloaded only when the app's frontend or
 * backend is new to the running process or its frontend port changed.
 *
 * The runtime API is reached with `socat stdio UNIX-CONNECT:<socket>` (Debian: socat), the
 * commands on stdin, one line separated by ';'.
 */







const backendName = (app) => `be_${app}`;
const frontendName = (app) => `fe_${app}`;
const BEGIN = (app) => `# >>> tg-devops app=${app} (managed by tg-devops deploys; do not edit)`;
const END = (app) => `# <<< tg-devops app=${app}`;
/** Port of a color's server line that has never been set up (it stays in maintenance). */
const PLACEHOLDER_PORT = 1;
function desiredState(backends, known = []) {
    const valid = validateBackends(backends);
    return COLORS.map((color) => {
        const b = valid.find((x) => x.color === color);
        if (b)
            return { color, port: b.port, weight: b.weight, maint: false };
        const k = known.find((x) => x.color === color);
        return { color, port: k?.port ?? PLACEHOLDER_PORT, weight: 0, maint: true };
    });
}
/** The app's managed block: its frontend on loopback and a backend with both colors. */
function renderBlock(app, frontendPort, desired) {
    const servers = desired.map((d) => `    server ${d.color} 127.0.0.1:${d.port} weight ${d.weight}${d.maint ? ' disabled' : ''}`);
    return [
        BEGIN(app),
        `frontend ${frontendName(app)}`,
        '    mode http',
        `    bind 127.0.0.1:${frontendPort}`,
        // idle keep-alive connections from nginx must outlive nginx's own upstream keepalive_timeout
        '    timeout client 75s',
        '    timeout http-keep-alive 75s',
        `    default_backend ${backendName(app)}`,
        '',
        `backend ${backendName(app)}`,
        '    mode http',
        '    balance roundrobin',
        '    retries 3',
        '    option redispatch 1',
        '    timeout connect 2s',
        '    timeout server 60s',
        ...servers,
        END(app),
    ].join('\n');
}
/** The file with the app's block replaced (or appended); everything else is left as it was. */
function replaceBlock(file, app, block) {
    const lines = file.split('\n');
    const start = lines.indexOf(BEGIN(app));
    const end = lines.indexOf(END(app), start + 1);
    if (start >= 0 && end > start) {
        return [...lines.slice(0, start), ...block.split('\n'), ...lines.slice(end + 1)].join('\n');
    }
    if (start >= 0 || lines.includes(END(app)))
        throw new StepError('haproxy', `the tg-devops block for '${app}' is damaged (begin or end line missing)`);
    const base = file.length === 0 || file.endsWith('\n') ? file : `${file}\n`;
    return `${base}${base.trim() ? '\n' : ''}${block}\n`;
}
/** The file without the app's block (and the blank line before it). */
function removeBlock(file, app) {
    const lines = file.split('\n');
    const start = lines.indexOf(BEGIN(app));
    const end = lines.indexOf(END(app), start + 1);
    if (start < 0 || end < start)
        return file;
    const from = start > 0 && lines[start - 1] === '' ? start - 1 : start;
    return [...lines.slice(0, from), ...lines.slice(end + 1)].join('\n');
}
/** The app's block in a file, or undefined. */
function findBlock(file, app) {
    const lines = file.split('\n');
    const start = lines.indexOf(BEGIN(app));
    const end = lines.indexOf(END(app), start + 1);
    return start >= 0 && end > start ? lines.slice(start, end + 1).join('\n') : undefined;
}
function blockFrontendPort(block) {
    const m = block?.match(/^\s*bind 127\.0\.0\.1:(\d+)\s*$/m);
    return m ? Number(m[1]) : undefined;
}
/** Parses `show servers state <backend>`; undefined when HAProxy has no such backend. */
function parseServersState(output) {
    if (/Can't find backend/i.test(output))
        return undefined;
    const lines = output.split('\n');
    const header = lines.find((l) => l.startsWith('# be_id'));
    if (!header)
        throw new StepError('haproxy', `unexpected 'show servers state' answer: ${output.trim().slice(0, 200)}`);
    const names = header.slice(2).trim().split(/\s+/);
    const col = (name) => {
        const i = names.indexOf(name);
        if (i < 0)
            throw new StepError('haproxy', `'show servers state' has no ${name} column`);
        return i;
    };
    const [iName, iAdmin, iWeight, iPort] = [
        col('srv_name'),
        col('srv_admin_state'),
        col('srv_uweight'),
        col('srv_port'),
    ];
    const servers = [];
    for (const line of lines) {
        if (!/^\d+ /.test(line))
            continue;
        const f = line.trim().split(/\s+/);
        const name = f[iName];
        if (name !== 'blue' && name !== 'green')
            continue;
        const admin = Number(f[iAdmin]);
        servers.push({
            color: name,
            port: Number(f[iPort]),
            weight: Number(f[iWeight]),
            // maintenance: FMAINT 0x01, IMAINT 0x02, RMAINT 0x20 (HAProxy's SRV_ADMF_MAINT mask; CMAINT 0x04
            // only remembers `disabled` in the config, and stays set after `state ready`); drain: 0x18
            maint: (admin & 0x23) !== 0,
            drain: (admin & 0x18) !== 0,
        });
    }
    return servers.sort((a, b) => COLORS.indexOf(a.color) - COLORS.indexOf(b.color));
}
/** Sessions in flight (current + queued) on one server, from `show stat` CSV. */
function parseInFlight(csv, backend, server) {
    const lines = csv.split('\n');
    const header = lines.find((l) => l.startsWith('# pxname'));
    if (!header)
        return undefined;
    const names = header.slice(2).split(',');
    const [iPx, iSv, iScur, iQcur] = ['pxname', 'svname', 'scur', 'qcur'].map((n) => names.indexOf(n));
    for (const line of lines) {
        const f = line.split(',');
        if (f[iPx] === backend && f[iSv] === server)
            return Number(f[iScur] || 0) + Number(f[iQcur] || 0);
    }
    return undefined;
}
/**
 * Runtime commands that take the servers from `now` to `want` without a moment where no server
 * takes requests: colors that gain traffic first (address, weight, then ready), then colors at
 * weight 0, then colors that go to maintenance. Nothing for a color that is already right.
 */
function runtimeCommands(app, now, want) {
    const be = backendName(app);
    const order = [
        ...want.filter((d) => !d.maint && d.weight > 0),
        ...want.filter((d) => !d.maint && d.weight === 0),
        ...want.filter((d) => d.maint),
    ];
    const commands = [];
    for (const d of order) {
        const s = now.find((x) => x.color === d.color);
        const srv = `${be}/${d.color}`;
        if (d.maint) {
            if (!s?.maint)
                commands.push(`set server ${srv} state maint`);
            continue;
        }
        if (d.weight === 0 && s?.weight !== 0)
            commands.push(`set server ${srv} weight 0`);
        if (s?.port !== d.port)
            commands.push(`set server ${srv} addr 127.0.0.1 port ${d.port}`);
        if (d.weight > 0 && s?.weight !== d.weight)
            commands.push(`set server ${srv} weight ${d.weight}`);
        if (!s || s.maint || s.drain)
            commands.push(`set server ${srv} state ready`);
    }
    return commands;
}
/** Does the running state already match? (port of a server in maintenance does not matter) */
function matches(now, want) {
    if (!now)
        return false;
    return want.every((d) => {
        const s = now.find((x) => x.color === d.color);
        if (!s)
            return false;
        if (d.maint)
            return s.maint;
        return !s.maint && !s.drain && s.port === d.port && s.weight === d.weight;
    });
}
function haproxyProxy(app, haproxy, nginx, options = {}) {
    const clock = options.clock ?? systemClock;
    const be = backendName(app);
    const check = haproxy.checkCommand ?? ['haproxy', '-c', '-q', '-f', '{config}'];
    const cli = async (exec, commands) => {
        const result = await exec.run(['socat', '-t', '5', 'stdio', `UNIX-CONNECT:${haproxy.socket}`], {
            input: `${commands.join('; ')}\n`,
            timeoutMs: 15_000,
            allowFailure: true,
        });
        if (result.exitCode === 127)
            throw new StepError('haproxy', `socat is not installed on ${exec.where} (apt-get install socat)`);
        if (result.exitCode !== 0)
            throw new StepError('haproxy', `runtime API at ${haproxy.socket} did not answer (socat exited ${result.exitCode}; is ` +
                `HAProxy running with 'stats socket ${haproxy.socket} level admin', and may this user ` +
                `open it?): ${result.stderr.trim()}`);
        return result.stdout;
    };
    const reloadHaproxy = (exec) => runProxyCommand(exec, 'haproxy', 'haproxy-reload-command', haproxy.reloadCommand);
    const state = async (exec) => parseServersState(await cli(exec, [`show servers state ${be}`]));
    /** Writes the new file beside the real one and checks it; `next` undefined = already so. */
    const prepare = async (exec, want, read) => {
        const before = read ? read.text : await readText(exec, haproxy.configFile);
        const next = want === 'remove'
            ? removeBlock(before ?? '', app)
            : replaceBlock(before ?? '', app, renderBlock(app, haproxy.frontendPort, want));
        const candidate = `${haproxy.configFile}.tg-${app}.new`;
        if (next === before)
            return { before, next: undefined, candidate };
        await writeText(exec, candidate, next);
        const argv = check.map((a) => (a === '{config}' ? candidate : a));
        const result = await runProxyCommand(exec, 'haproxy', 'haproxy-check-command', argv, {
            allowFailure: true,
            template: check,
        }).catch(async (error) => {
            await removeFile(exec, candidate);
            throw error;
        });
        if (result.exitCode !== 0) {
            await removeFile(exec, candidate);
            throw new StepError('haproxy', `config check failed for the new ${haproxy.configFile} (nothing changed):\n` +
                (result.stderr || result.stdout).trim().split('\n').slice(-8).join('\n'));
        }
        return { before, next, candidate };
    };
    /**
     * Swaps a prepared file in (under a lock, only if nobody changed the file since it was read;
     * otherwise prepares again from the new content, up to 5 times). Returns whether it changed.
     */
    const persist = async (exec, want, prepared) => {
        for (let attempt = 1;; attempt++) {
            const p = attempt === 1 && prepared ? prepared : await prepare(exec, want);
            if (p.next === undefined)
                return false;
            const swap = await exec.run(swapCommand(haproxy.configFile, digest(p.before), p.candidate), {
                allowFailure: true,
            });
            if (swap.exitCode === 0)
                return true;
            await removeFile(exec, p.candidate);
            if (swap.exitCode !== CHANGED || attempt >= 5)
                throw new StepError('haproxy', `cannot replace ${haproxy.configFile}: ${swap.stderr.trim()}`);
        }
    };
    const apply = async (exec, now, want) => {
        const commands = runtimeCommands(app, now, want);
        const answer = commands.length ? await cli(exec, commands) : '';
        const after = await state(exec);
        if (!matches(after, want))
            throw new StepError('haproxy', `runtime state of ${be} is not as asked after: ${commands.join('; ')}\n${answer.trim()}\n` +
                `now: ${JSON.stringify(after)}`);
    };
    return {
        async remove(exec) {
            const path = upstreamFile(nginx.confDir, app);
            if ((await readText(exec, path)) !== undefined)
                await uninstallUpstream(exec, nginx, app);
            if (await persist(exec, 'remove'))
                await reloadHaproxy(exec);
        },
        kind: 'haproxy',
        async current(exec) {
            const servers = await state(exec);
            return (servers ?? [])
                .filter((s) => !s.maint)
                .map((s) => ({ color: s.color, port: s.port, weight: s.drain ? 0 : s.weight }));
        },
        async route(exec, backends) {
            validateBackends(backends);
            const now = await state(exec);
            const want = desiredState(backends, now ?? []);
            const text = await readText(exec, haproxy.configFile);
            const reload = !now || blockFrontendPort(findBlock(text ?? '', app)) !== haproxy.frontendPort;
            if (reload) {
                // First setup (or a new frontend port): file, reload, wait until the process has it.
                const changed = await persist(exec, want);
                if (changed || !now) {
                    await reloadHaproxy(exec);
                    const end = clock.now() + (options.reloadWaitSeconds ?? 15) * 1000;
                    let loaded = await state(exec).catch(() => undefined);
                    while (!loaded) {
                        if (clock.now() >= end)
                            throw new StepError('haproxy', `reloaded, but ${be} did not appear within the wait`);
                        await clock.sleep(200);
                        loaded = await state(exec).catch(() => undefined);
                    }
                    if (!matches(loaded, want))
                        await apply(exec, loaded, want);
                }
            }
            else {
                // The switch: check the new file first, change the running state, then keep the file.
                const prepared = await prepare(exec, want, { text });
                try {
                    if (!matches(now, want))
                        await apply(exec, now, want);
                }
                catch (error) {
                    if (prepared.next !== undefined)
                        await removeFile(exec, prepared.candidate);
                    throw error;
                }
                await persist(exec, want, prepared);
                // Another app's first setup may have reloaded HAProxy between our runtime change and our
                // file swap, and its new process read our old block: check once more, now that the file
                // is right, and apply again if so.
                const final = await state(exec);
                if (!final)
                    throw new StepError('haproxy', `${be} disappeared from the running HAProxy`);
                if (!matches(final, want))
                    await apply(exec, final, want);
            }
            // nginx talks to the frontend; written and reloaded once per app (no-op when in place)
            await installUpstream(exec, nginx, app, renderFrontendUpstream(app, haproxy.frontendPort));
        },
        async drain(exec, color, seconds, clk) {
            const inFlight = async () => {
                const csv = await cli(exec, [`show stat ${be} 4 -1`]);
                return parseInFlight(csv, be, color) ?? 0;
            };
            await waitForZero(inFlight, seconds, clk);
        },
    };
}

;// CONCATENATED MODULE: ./src/proxy/index.ts
/**
 * The traffic switch: createProxy(settings) gives the deploy engine one TrafficProxy, nginx (the
 * baseline: include file, nginx -t, graceful reload) or haproxy (the zero-loss switch: runtime
 * API behind a fixed nginx upstream). See docs/adr/0004-traffic-switch.md.
 */








function createProxy(settings, options = {}) {
    validateSettings(settings);
    const proxy = settings.kind === 'nginx'
        ? nginxProxy(settings.app, settings.nginx)
        : haproxyProxy(settings.app, settings.haproxy, settings.nginx, options);
    described.set(proxy, settings.kind === 'haproxy'
        ? { kind: 'haproxy', frontendPort: settings.haproxy.frontendPort }
        : { kind: 'nginx' });
    return proxy;
}
/** The actions' defaults (deploy/action.yml, rollback/action.yml, the CLI config). */
const PROXY_INPUT_DEFAULTS = {
    'nginx-conf-dir': '/etc/nginx/conf.d',
    'nginx-test-command': 'nginx -t',
    'nginx-reload-command': 'nginx -s reload',
    'haproxy-socket': '/run/haproxy/admin.sock',
    'haproxy-config': '/etc/haproxy/haproxy.cfg',
    'haproxy-reload-command': 'systemctl reload haproxy',
    'haproxy-check-command': 'haproxy -c -q -f {config}',
    'haproxy-frontend-port': '',
};
/** The haproxy-frontend-port input as a port; 0 when empty or not a port 1..65535. */
function frontendPortFrom(raw) {
    const port = raw ? Number(raw) : 0;
    return Number.isInteger(port) && port > 0 && port < 65536 ? port : 0;
}
/**
 * ProxySettings from the raw inputs (pure): commands split into argv (never a shell), the
 * haproxy frontend port required with haproxy (`frontendPort` overrides the input: the port a
 * release recorded). Every problem is an InputError naming its input.
 */
function proxySettingsFrom(kind, app, raw, options = {}) {
    const frontendPort = options.frontendPort ?? frontendPortFrom(raw['haproxy-frontend-port']);
    if (kind === 'haproxy' && !frontendPort)
        throw new InputError('haproxy-frontend-port', `is required with proxy: haproxy (${options.frontendPortHint ?? "a free loopback port for the app's frontend"})`);
    return {
        kind,
        app,
        nginx: {
            confDir: raw['nginx-conf-dir'],
            testCommand: splitCommand(raw['nginx-test-command'], 'nginx-test-command'),
            reloadCommand: splitCommand(raw['nginx-reload-command'], 'nginx-reload-command'),
        },
        haproxy: {
            socket: raw['haproxy-socket'],
            configFile: raw['haproxy-config'],
            reloadCommand: splitCommand(raw['haproxy-reload-command'], 'haproxy-reload-command'),
            checkCommand: splitCommand(raw['haproxy-check-command'], 'haproxy-check-command'),
            // nginx ignores it; validateSettings wants a port in range
            frontendPort: frontendPort || 1,
        },
    };
}
/** createProxy(proxySettingsFrom(...)), any refusal an InputError (naming 'proxy' when no input). */
function proxyFrom(kind, app, raw, options = {}) {
    const settings = proxySettingsFrom(kind, app, raw, options);
    try {
        return createProxy(settings, options.haproxy);
    }
    catch (error) {
        if (error instanceof InputError)
            throw error;
        throw new InputError('proxy', errorMessage(error));
    }
}
const described = new WeakMap();
/** The kind of any TrafficProxy; the frontend port too when createProxy made it. */
function describeProxy(proxy) {
    return described.get(proxy) ?? { kind: proxy.kind };
}

;// CONCATENATED MODULE: ./src/deploy/probe.ts

/** Commands the probe may run: the dry-run test holds every recorded command to this list. */
const READ_ONLY_COMMANDS = [
    ['cat'],
    ['docker', 'ps'],
    ['docker', 'inspect'],
    ['docker', 'logs'],
    ['docker', 'image', 'inspect'],
    ['sh', '-c', HTTP_TOOL_SCRIPT()],
    ['test'],
];
function HTTP_TOOL_SCRIPT() {
    return 'command -v curl || command -v wget || true';
}
async function probe_probe(exec, config, deps) {
    const paths = deps.host.appPaths(config.stateBase, config.app);
    const state = await deps.host.readState(exec, paths);
    const list = await exec.run(listArgv(config.app));
    const containers = parseContainerList(list.stdout);
    const routed = deps.proxy ? await deps.proxy.current(exec) : undefined;
    let httpTool = 'none';
    if (config.healthPath) {
        const found = await exec.run(['sh', '-c', HTTP_TOOL_SCRIPT()], { allowFailure: true });
        const first = found.stdout.trim().split('\n')[0] ?? '';
        httpTool = first.endsWith('/curl') ? 'curl' : first.endsWith('/wget') ? 'wget' : 'none';
    }
    return { paths, state, containers, routed, httpTool };
}

;// CONCATENATED MODULE: ./src/deploy/engine.ts





/** Who holds the host lock and signs the audit line: the workflow run, or a local run. */
function runHolder(env, url) {
    return {
        runId: env.GITHUB_RUN_ID ?? `local-${process.pid}`,
        actor: env.GITHUB_ACTOR ?? 'unknown',
        url,
    };
}
/** A release id that sorts by time: 20261130-041503 (UTC). */
function releaseIdAt(ms) {
    const iso = new Date(ms).toISOString();
    return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}`;
}
/**
 * probe → plan → execute on one host. Dry-run stops after printing the plan (read-only commands
 * only). Otherwise: take the host lock, probe again under it, plan, execute (undo on failure),
 * append the audit entry, release the lock. Throws a StepError naming the failed step and gate.
 */
async function deploy(config, deps) {
    const { exec, host, log, clock } = deps;
    const started = clock.now();
    const releaseId = deps.releaseId ?? releaseIdAt(started);
    const facts = { waitMs: 0 };
    for (const warning of config.warnings)
        log.warn(warning);
    if (config.dryRun) {
        const probe = await probe_probe(exec, config, deps);
        const plan = buildPlan({
            config,
            probe,
            releaseId,
            now: new Date(started).toISOString(),
            proxy: deps.proxy ? describeProxy(deps.proxy) : undefined,
        });
        log.info(`dry-run: nothing changes on ${exec.where}\n${planText(plan)}`);
        return { dryRun: true, plan, probe, facts, totalMs: clock.now() - started };
    }
    const paths = host.appPaths(config.stateBase, config.app);
    await exec.run(['mkdir', '-p', paths.dir]);
    const ttlSeconds = deps.lockTtlSeconds ?? lockTtl(config);
    const lock = await host.acquireLock(exec, paths.lock, { ...deps.holder, startedAt: new Date(started).toISOString() }, { ttlSeconds, timeoutSeconds: config.lockTimeoutSeconds, clock, log });
    let lastRefresh = clock.now();
    try {
        const probe = await probe_probe(exec, config, deps);
        const plan = buildPlan({
            config,
            probe,
            releaseId,
            now: new Date(clock.now()).toISOString(),
            proxy: deps.proxy ? describeProxy(deps.proxy) : undefined,
        });
        log.info(planText(plan));
        const result = await execute(plan, {
            exec,
            clock,
            log,
            host,
            proxy: deps.proxy,
            httpTool: probe.httpTool,
            extraGates: deps.extraGates ?? [],
            facts,
        }, {
            ...deps.hooks,
            between: async () => {
                await deps.hooks?.between?.();
                if (clock.now() - lastRefresh > (ttlSeconds * 1000) / 3) {
                    await lock.refresh();
                    lastRefresh = clock.now();
                }
            },
        });
        await host
            .appendAudit(exec, paths, {
            at: new Date(clock.now()).toISOString(),
            actor: deps.holder.actor,
            action: `deploy ${config.strategy}`,
            release: releaseId,
            image: config.image.raw,
            result: result.ok ? 'success' : undoFailed(result) ? 'failure' : 'rolled-back',
            detail: result.error?.message ??
                `previous ${plan.current?.id ?? 'none'}${facts.gapMs !== undefined ? `, gap ${facts.gapMs} ms` : ''}`,
            url: deps.holder.url,
            runId: deps.holder.runId,
        })
            .catch((error) => log.warn(`audit entry not written: ${String(error)}`));
        const report = { dryRun: false, plan, probe, result, facts, totalMs: clock.now() - started };
        if (!result.ok)
            throw new DeployError(result.error, report, result.failedGate);
        return report;
    }
    finally {
        await lock.release().catch((error) => log.warn(`lock not released: ${String(error)}`));
    }
}
class DeployError extends StepError {
    report;
    gate;
    constructor(cause, report, gate) {
        const failedUndos = report.result?.records.filter((r) => r.status === 'undo-failed') ?? [];
        super(cause.step, failedUndos.length
            ? `${cause.message.slice(cause.step.length + 2)}; NOT rolled back: ${failedUndos.length} undo step(s) failed (${failedUndos.map((r) => r.title).join('; ')}); the next deploy converges the host`
            : `${cause.message.slice(cause.step.length + 2)}; rolled back to ${report.plan.current?.id ?? 'nothing (first deploy)'}`);
        this.report = report;
        this.gate = gate;
        this.name = 'DeployError';
    }
}
/** Some undo step failed: the host is not back where it was (the next deploy converges it). */
function undoFailed(result) {
    return result.records.some((r) => r.status === 'undo-failed');
}
/** Long enough for the slowest plan; the engine refreshes it between steps anyway. */
function lockTtl(config) {
    const canary = config.strategy === 'canary'
        ? config.canarySteps.length * (config.stepIntervalSeconds + 10)
        : 0;
    return Math.max(300, 2 *
        (config.healthTimeoutSeconds +
            config.gateWindowSeconds +
            config.drainSeconds +
            config.stopGraceSeconds +
            canary) +
        120);
}

;// CONCATENATED MODULE: ./src/health/container.ts

/** The few fields of `docker inspect` a check needs (nothing else: env vars hold secrets). */
const INSPECT_FORMAT = '{"Status":{{json .State.Status}},"Running":{{json .State.Running}},"Restarting":{{json .State.Restarting}},"ExitCode":{{json .State.ExitCode}},"StartedAt":{{json .State.StartedAt}},"Health":{{if .State.Health}}{{json .State.Health.Status}}{{else}}null{{end}},"RestartCount":{{json .RestartCount}}}';
function container_inspectArgv(container, docker = ['docker']) {
    return [...docker, 'container', 'inspect', '--format', INSPECT_FORMAT, '--', container];
}
function parseInspect(stdout) {
    const line = stdout.trim().split('\n').pop() ?? '';
    const parsed = JSON.parse(line);
    if (typeof parsed.Status !== 'string')
        throw new Error(`unexpected docker inspect output: ${line}`);
    return parsed;
}
/**
 * Pure: judge a container. Not running, restarting or unhealthy fails; a health check still
 * starting is inconclusive; a restart count above the baseline fails for good (it crashed).
 */
function judgeContainer(state, baselineRestarts) {
    const health = state.Health ? `, health ${state.Health}` : '';
    const seen = `${state.Status}${health}, ${state.RestartCount} restart(s)`;
    if (state.RestartCount > baselineRestarts) {
        return {
            status: 'fail',
            final: true,
            value: state.RestartCount,
            summary: `${seen}: restarted ${state.RestartCount - baselineRestarts} time(s) since verification began (last exit code ${state.ExitCode})`,
        };
    }
    if (state.Restarting || state.Status === 'restarting') {
        return {
            status: 'fail',
            value: state.RestartCount,
            summary: `${seen}: restarting (exit code ${state.ExitCode})`,
        };
    }
    if (!state.Running || state.Status !== 'running') {
        return {
            status: 'fail',
            final: state.Status === 'exited' || state.Status === 'dead',
            value: state.RestartCount,
            summary: `${seen} (exit code ${state.ExitCode})`,
        };
    }
    if (state.Health === 'unhealthy')
        return { status: 'fail', value: state.RestartCount, summary: seen };
    if (state.Health === 'starting')
        return { status: 'inconclusive', value: state.RestartCount, summary: seen };
    return { status: 'pass', value: state.RestartCount, summary: seen };
}
/** Container state, health and restart count through any Executor (local, ssh). */
function containerCheck(spec, executor) {
    let baseline = spec.baselineRestarts;
    return {
        name: spec.name ?? `container ${spec.container}@${executor.where}`,
        kind: 'container',
        async probe() {
            const result = await executor.run(container_inspectArgv(spec.container, spec.docker), {
                allowFailure: true,
            });
            if (result.exitCode !== 0) {
                const why = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
                if (/no such (container|object)/i.test(why)) {
                    return { status: 'fail', summary: `no container named ${spec.container}` };
                }
                return {
                    status: 'inconclusive',
                    summary: `docker inspect exited ${result.exitCode}: ${why}`,
                };
            }
            let state;
            try {
                state = parseInspect(result.stdout);
            }
            catch (error) {
                return { status: 'inconclusive', summary: errorMessage(error) };
            }
            baseline ??= state.RestartCount;
            return judgeContainer(state, baseline);
        },
    };
}

;// CONCATENATED MODULE: ./src/health/http.ts

/** Parses `$.a.b[0].c` or `$.a == "ok"`. Throws with a readable message. */
function parseJsonPath(expression) {
    const text = expression.trim();
    const m = text.match(/^(\$[^=!<>\s]*)\s*(?:==\s*(.+))?$/);
    if (!m)
        throw new Error(`expected '$.path' or '$.path == value', got ${JSON.stringify(text)}`);
    const pathText = m[1];
    const path = [];
    const re = /\.([A-Za-z_][\w-]*)|\[(\d+)\]|\[['"]([^'"]+)['"]\]/y;
    let pos = 1;
    while (pos < pathText.length) {
        re.lastIndex = pos;
        const part = re.exec(pathText);
        if (!part)
            throw new Error(`cannot read the path at ${JSON.stringify(pathText.slice(pos))}`);
        path.push(part[1] ?? (part[2] !== undefined ? Number(part[2]) : part[3]));
        pos = re.lastIndex;
    }
    if (m[2] === undefined)
        return { path, text };
    const raw = m[2].trim();
    let expected;
    try {
        expected = JSON.parse(raw);
    }
    catch {
        expected = raw.replace(/^'(.*)'$/, '$1');
    }
    return { path, expected, text };
}
function readJsonPath(value, path) {
    let current = value;
    for (const key of path) {
        if (current === null || typeof current !== 'object')
            return undefined;
        current = current[key];
    }
    return current;
}
/** Pure: does a status code match `200`, `2xx`, `20x`? */
function statusMatches(code, patterns) {
    const text = String(code);
    return patterns.some((p) => p.length === 3 && [...p.toLowerCase()].every((c, i) => c === 'x' || c === text[i]));
}
/** Pure: judge one HTTP answer. */
function judgeHttp(spec, answer) {
    const statuses = spec.status && spec.status.length > 0 ? spec.status : ['2xx'];
    const where = `${answer.status} in ${answer.latencyMs} ms`;
    if (!statusMatches(answer.status, statuses)) {
        return {
            status: 'fail',
            value: answer.status,
            summary: `HTTP ${where}, expected ${statuses.join('|')}`,
        };
    }
    if (spec.bodyContains !== undefined && !answer.body.includes(spec.bodyContains)) {
        return {
            status: 'fail',
            value: answer.status,
            summary: `HTTP ${where}, body lacks ${JSON.stringify(spec.bodyContains)}: ${snippet(answer.body)}`,
        };
    }
    if (spec.jsonPath) {
        const assertion = parseJsonPath(spec.jsonPath);
        let parsed;
        try {
            parsed = JSON.parse(answer.body);
        }
        catch {
            return {
                status: 'fail',
                value: answer.status,
                summary: `HTTP ${where}, body is not JSON: ${snippet(answer.body)}`,
            };
        }
        const found = readJsonPath(parsed, assertion.path);
        const ok = 'expected' in assertion && assertion.expected !== undefined
            ? JSON.stringify(found) === JSON.stringify(assertion.expected) ||
                (typeof assertion.expected === 'string' && String(found) === assertion.expected)
            : Boolean(found);
        if (!ok) {
            return {
                status: 'fail',
                value: answer.status,
                summary: `HTTP ${where}, ${assertion.text} does not hold (found ${snippet(JSON.stringify(found) ?? 'nothing')})`,
            };
        }
    }
    if (spec.latencyBudgetMs !== undefined && answer.latencyMs > spec.latencyBudgetMs) {
        return {
            status: 'fail',
            value: answer.latencyMs,
            summary: `HTTP ${where}, over the ${spec.latencyBudgetMs} ms budget`,
        };
    }
    return { status: 'pass', value: answer.status, summary: `HTTP ${where}` };
}
function snippet(text) {
    const flat = text.replace(/\s+/g, ' ').trim();
    return flat.length > 80 ? `${flat.slice(0, 77)}...` : flat;
}
/** An HTTP check: one request per probe; a refused or timed-out request is a failure. */
function httpCheck(spec, deps) {
    if (spec.jsonPath)
        parseJsonPath(spec.jsonPath); // fail on a bad expression before any probe
    return {
        name: spec.name ?? `http ${spec.url}`,
        kind: 'http',
        async probe() {
            const started = deps.clock.now();
            let status;
            let body;
            try {
                const response = await deps.fetch(spec.url, {
                    method: 'GET',
                    headers: spec.headers,
                    redirect: 'manual',
                    signal: AbortSignal.timeout(spec.timeoutMs ?? 10_000),
                });
                status = response.status;
                body = await response.text();
            }
            catch (error) {
                return {
                    status: 'fail',
                    summary: `HTTP request failed after ${deps.clock.now() - started} ms: ${causeOf(error)}`,
                };
            }
            return judgeHttp(spec, { status, body, latencyMs: deps.clock.now() - started });
        },
    };
}
/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED, timeout …). */
function causeOf(error) {
    const cause = error && typeof error === 'object' && 'cause' in error
        ? error.cause
        : undefined;
    const code = cause && typeof cause === 'object' && 'code' in cause
        ? String(cause.code)
        : '';
    const causeText = cause && typeof cause === 'object' && 'message' in cause
        ? String(cause.message)
        : '';
    return [errorMessage(error), code || causeText].filter(Boolean).join(': ');
}

;// CONCATENATED MODULE: ./src/health/logs.ts
/**
 * Fatal log patterns. 409 Conflict and "terminated by other getUpdates request" mean two
 * consumers poll one token; AUTH_KEY_DUPLICATED means an MTProto session is used twice (it can be
 * revoked for good); Traceback is an uncaught Python exception.
 */
const DEFAULT_LOG_PATTERNS = (/* unused pure expression or super */ null && ([
    '409 Conflict',
    'terminated by other getUpdates request',
    'AUTH_KEY_DUPLICATED',
    'Traceback',
]));
/** A pattern is a plain substring, or `/regex/flags`. */
function parsePattern(text) {
    const m = text.match(/^\/(.+)\/([gimsuy]*)$/);
    if (m) {
        const re = new RegExp(m[1], m[2].replace('g', ''));
        return { text, test: (line) => re.test(line) };
    }
    return { text, test: (line) => line.includes(text) };
}
/**
 * `docker logs --timestamps [--since S] -- NAME`. S is unix seconds for the first read, then the
 * last timestamp the host itself printed (RFC 3339 with nanoseconds, inclusive), so later probes
 * read only new lines and the runner's clock never has to agree with the host's.
 */
function logs_logsArgv(container, since, docker = ['docker']) {
    const argv = [...docker, 'logs', '--timestamps'];
    if (typeof since === 'number')
        argv.push('--since', String(Math.floor(since / 1000)));
    else if (since !== undefined)
        argv.push('--since', since);
    argv.push('--', container);
    return argv;
}
const STAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z /;
/** Splits docker's timestamp prefix off a line; the key compares as text in time order. */
function splitStamp(line) {
    const m = STAMP.exec(line);
    if (!m)
        return { text: line };
    return {
        stamp: m[0].trim(),
        key: `${m[1]}.${(m[2] ?? '').padEnd(9, '0')}`,
        text: line.slice(m[0].length),
    };
}
/** Pure: the newest docker timestamp in some output, as given (for the next --since). */
function lastStamp(outputs) {
    let best;
    for (const output of outputs) {
        for (const line of output.split('\n')) {
            const { stamp, key } = splitStamp(line);
            if (stamp && key && (!best || key > best.key))
                best = { stamp, key };
        }
    }
    return best?.stamp;
}
/** Pure: the first line that matches a fatal pattern. */
function findFatal(text, patterns) {
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
        const line = splitStamp(lines[i]).text;
        const pattern = patterns.find((p) => p.test(line));
        if (pattern)
            return { pattern: pattern.text, line: line.trim(), lineNumber: i + 1 };
    }
    return undefined;
}
/** Log lines reach the job summary: blank anything shaped like a bot token first. */
function redactTokens(line) {
    return line.replace(/\b\d{5,}:[A-Za-z0-9_-]{30,}/g, '***');
}
function judgeLogs(stdout, stderr, patterns) {
    const match = findFatal(stderr, patterns) ?? findFatal(stdout, patterns);
    const count = [stdout, stderr]
        .join('\n')
        .split('\n')
        .filter((l) => l.trim()).length;
    if (match) {
        const clean = redactTokens(match.line);
        const line = clean.length > 160 ? `${clean.slice(0, 157)}...` : clean;
        return {
            status: 'fail',
            final: true,
            summary: `fatal pattern ${JSON.stringify(match.pattern)} in ${JSON.stringify(line)}`,
        };
    }
    return { status: 'pass', value: count, summary: `${count} line(s), no fatal pattern` };
}
/** Fatal patterns in `docker logs` (stdout and stderr) through any Executor. */
function logsCheck(spec, executor) {
    const patterns = spec.patterns.map(parsePattern);
    let since = spec.since;
    let linesRead = 0;
    return {
        name: spec.name ?? `logs ${spec.container}@${executor.where}`,
        kind: 'logs',
        async probe() {
            const result = await executor.run(logs_logsArgv(spec.container, since, spec.docker), {
                allowFailure: true,
            });
            if (result.exitCode !== 0) {
                const why = (result.stderr.trim() || result.stdout.trim()).split('\n').pop() ?? '';
                return { status: 'inconclusive', summary: `docker logs exited ${result.exitCode}: ${why}` };
            }
            const judged = judgeLogs(result.stdout, result.stderr, patterns);
            // Next time only newer lines; lines at exactly this timestamp are read twice (--since is
            // inclusive), which is harmless: they were clean, or verification already ended.
            since = lastStamp([result.stdout, result.stderr]) ?? since;
            if (judged.status !== 'pass')
                return judged;
            linesRead += judged.value ?? 0;
            return {
                ...judged,
                value: linesRead,
                summary: `${judged.value ?? 0} new line(s), ${linesRead} read, no fatal pattern`,
            };
        },
    };
}

;// CONCATENATED MODULE: ./src/health/prometheus.ts

function compare(value, op, threshold) {
    switch (op) {
        case '>':
            return value > threshold;
        case '>=':
            return value >= threshold;
        case '<':
            return value < threshold;
        case '<=':
            return value <= threshold;
        case '==':
            return value === threshold;
        case '!=':
            return value !== threshold;
    }
}
/** Parses one `name: <promql> <op> <threshold>` line (the last comparison is the threshold). */
function parseQueryLine(line) {
    const m = line.match(/^\s*([A-Za-z0-9_.-]+)\s*:\s*(.+?)\s*(>=|<=|==|!=|>|<)\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*$/);
    if (!m) {
        throw new Error(`expected 'name: <promql> <op> <threshold>' (op one of > >= < <= == !=), got ${JSON.stringify(line.trim())}`);
    }
    return { name: m[1], query: m[2], op: m[3], threshold: Number(m[4]) };
}
const READY_MADE = ['error-rate', 'latency-p95', 'up'];
/**
 * The classic alert rules as PromQL over the metric names of prometheus_client style apps
 * (http_requests_total{code}, http_request_duration_seconds histogram) and Prometheus's `up`.
 */
function readyMadeCheck(name, o) {
    const sel = o.selector.trim();
    const requests = o.requestsMetric ?? 'http_requests_total';
    const duration = o.durationMetric ?? 'http_request_duration_seconds';
    const status = o.statusLabel ?? 'code';
    const join = (extra) => `{${[extra, sel].filter(Boolean).join(',')}}`;
    switch (name) {
        case 'error-rate':
            return {
                name,
                // `or vector(0)`: many apps export no 5xx series until the first error.
                query: `(sum(increase(${requests}${join(`${status}=~"5.*"`)}[${o.range}])) or vector(0)) / sum(increase(${requests}${join('')}[${o.range}]))`,
                op: '>',
                threshold: 0.1,
                samplesQuery: `sum(increase(${requests}${join('')}[${o.range}]))`,
                minSamples: o.minSamples,
            };
        case 'latency-p95':
            return {
                name,
                query: `histogram_quantile(0.95, sum by (le) (increase(${duration}_bucket${join('')}[${o.range}])))`,
                op: '>',
                threshold: 1,
                samplesQuery: `sum(increase(${duration}_count${join('')}[${o.range}]))`,
                minSamples: o.minSamples,
            };
        case 'up':
            return {
                name,
                query: `min(min_over_time(up${join('')}[${o.range}]))`,
                op: '<',
                threshold: 1,
                samplesQuery: `sum(count_over_time(up${join('')}[${o.range}]))`,
                minSamples: o.minSamples,
            };
    }
}
/** Reads an /api/v1/query answer: a scalar or an instant vector, as samples. */
function parseQueryResponse(body) {
    const b = body;
    if (b?.status !== 'success') {
        throw new Error(`Prometheus: ${b?.errorType ?? 'error'}: ${b?.error ?? JSON.stringify(body)}`);
    }
    const data = b.data ?? {};
    if (data.resultType === 'scalar') {
        const pair = data.result;
        return [{ labels: {}, value: Number(pair[1]) }];
    }
    if (data.resultType === 'vector') {
        return data.result.map((r) => ({ labels: r.metric ?? {}, value: Number(r.value[1]) }));
    }
    throw new Error(`Prometheus: unexpected result type ${String(data.resultType)}`);
}
function prometheusClient(baseUrl, deps) {
    const base = baseUrl.replace(/\/+$/, '');
    return {
        async query(promql) {
            let response;
            try {
                response = await deps.fetch(`${base}/api/v1/query`, {
                    method: 'POST',
                    headers: { 'content-type': 'application/x-www-form-urlencoded', ...deps.headers },
                    body: new URLSearchParams({ query: promql }).toString(),
                    signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
                });
            }
            catch (error) {
                throw new Error(`Prometheus unreachable: ${causeOf(error)}`);
            }
            const text = await response.text();
            let body;
            try {
                body = JSON.parse(text);
            }
            catch {
                throw new Error(`Prometheus answered HTTP ${response.status}: ${text.slice(0, 200)}`);
            }
            return parseQueryResponse(body);
        },
    };
}
function describe(s) {
    const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${v}"`)
        .join(',');
    return `${labels ? `{${labels}} ` : ''}${formatNumber(s.value)}`;
}
function formatNumber(n) {
    if (!Number.isFinite(n))
        return String(n);
    return Number.isInteger(n) ? String(n) : n.toPrecision(4).replace(/\.?0+$/, '');
}
/** Pure: judge the samples of a check's query (and of its samples query). */
function judgePrometheus(spec, samples, sampleCount) {
    const rule = `${spec.op} ${spec.threshold}`;
    if (spec.samplesQuery !== undefined && spec.minSamples !== undefined) {
        const n = sampleCount ?? 0;
        if (!Number.isFinite(n) || n < spec.minSamples) {
            return {
                status: 'inconclusive',
                value: Number.isFinite(n) ? n : 0,
                summary: `${formatNumber(Number.isFinite(n) ? n : 0)} sample(s), fewer than the ${spec.minSamples} needed`,
            };
        }
    }
    const usable = samples.filter((s) => Number.isFinite(s.value));
    if (usable.length === 0) {
        return {
            status: 'inconclusive',
            summary: samples.length === 0 ? 'no data' : `no number (${samples.map(describe).join(', ')})`,
        };
    }
    const bad = usable.filter((s) => compare(s.value, spec.op, spec.threshold));
    const counted = sampleCount !== undefined ? ` over ${formatNumber(sampleCount)} sample(s)` : '';
    if (bad.length > 0) {
        return {
            status: 'fail',
            value: bad[0].value,
            summary: `${bad.map(describe).join(', ')} ${rule}${counted}`,
        };
    }
    return {
        status: 'pass',
        value: usable[0].value,
        summary: `${usable.map(describe).join(', ')}, alert when ${rule}${counted}`,
    };
}
function prometheusCheck(spec, client) {
    return {
        name: `prometheus ${spec.name}`,
        kind: 'prometheus',
        async probe() {
            let count;
            if (spec.samplesQuery !== undefined) {
                const counted = await client.query(spec.samplesQuery);
                count = counted.reduce((sum, s) => sum + (Number.isFinite(s.value) ? s.value : 0), 0);
                if (spec.minSamples !== undefined && count < spec.minSamples) {
                    return judgePrometheus(spec, [], count);
                }
            }
            return judgePrometheus(spec, await client.query(spec.query), count);
        },
    };
}

;// CONCATENATED MODULE: ./src/health/telegram.ts

/** Pure: judge one getWebhookInfo answer, given the pending counts seen before (oldest first). */
function judgeWebhook(spec, info, previousPending) {
    const pending = info.pending_update_count;
    const seen = `url ${info.url ? JSON.stringify(info.url) : '(none)'}, ${pending} pending`;
    if (spec.expectedUrl !== undefined ? info.url !== spec.expectedUrl : info.url === '') {
        return {
            status: 'fail',
            value: pending,
            summary: `${seen}: expected url ${spec.expectedUrl ? JSON.stringify(spec.expectedUrl) : 'to be set'}`,
        };
    }
    if (info.last_error_date !== undefined && info.last_error_date * 1000 >= spec.since) {
        const at = new Date(info.last_error_date * 1000).toISOString();
        return {
            status: 'fail',
            final: true,
            value: pending,
            summary: `${seen}: delivery error at ${at} (after the deploy started): ${info.last_error_message ?? 'no message'}`,
        };
    }
    const needed = spec.growthProbes ?? 3;
    const series = [...previousPending, pending].slice(-(needed + 1));
    const growing = series.length === needed + 1 && series.every((v, i) => i === 0 || v > series[i - 1]);
    if (growing) {
        return {
            status: 'fail',
            value: pending,
            summary: `${seen}: pending updates grew on ${needed} probes in a row (${series.join(' → ')})`,
        };
    }
    return { status: 'pass', value: pending, summary: seen };
}
/**
 * Telegram webhook state through getWebhookInfo. The token is part of the URL path: it never
 * appears in a summary, and callers register it with Log.secret().
 */
function telegramWebhookCheck(spec, deps) {
    const base = (spec.apiUrl ?? 'https://api.telegram.org').replace(/\/+$/, '');
    const pending = [];
    const hide = (text) => text.split(spec.token).join('***');
    return {
        name: 'telegram webhook',
        kind: 'telegram',
        async probe() {
            let response;
            try {
                response = await deps.fetch(`${base}/bot${spec.token}/getWebhookInfo`, {
                    method: 'GET',
                    signal: AbortSignal.timeout(deps.timeoutMs ?? 10_000),
                });
            }
            catch (error) {
                return { status: 'inconclusive', summary: hide(`Bot API unreachable: ${causeOf(error)}`) };
            }
            const text = await response.text();
            let body;
            try {
                body = JSON.parse(text);
            }
            catch {
                return {
                    status: 'inconclusive',
                    summary: `Bot API answered HTTP ${response.status}, not JSON`,
                };
            }
            if (!body.ok || !body.result) {
                // 401/404: the token is wrong, which no waiting fixes; anything else may pass.
                const fatal = response.status === 401 || response.status === 404;
                return {
                    status: fatal ? 'fail' : 'inconclusive',
                    summary: hide(`getWebhookInfo: ${body.error_code ?? response.status} ${body.description ?? ''}`.trim()),
                };
            }
            const result = judgeWebhook(spec, body.result, pending);
            pending.push(body.result.pending_update_count);
            return { ...result, summary: hide(result.summary) };
        },
    };
}

;// CONCATENATED MODULE: ./src/health/config.ts





/** Pure wiring: the checks a config describes, in a stable order. */
function buildChecks(config, deps) {
    const checks = [];
    for (const spec of config.http)
        checks.push(httpCheck(spec, deps));
    const p = config.prometheus;
    if (p) {
        const client = prometheusClient(p.url, {
            fetch: deps.fetch,
            headers: p.token ? { authorization: `Bearer ${p.token}` } : undefined,
        });
        for (const name of p.readyMade) {
            const spec = readyMadeCheck(name, {
                selector: p.selector,
                range: p.range,
                minSamples: name === 'up' ? Math.min(p.minSamples, 2) : p.minSamples,
                statusLabel: p.statusLabel,
            });
            checks.push(prometheusCheck(spec, client));
        }
        for (const spec of p.custom)
            checks.push(prometheusCheck(spec, client));
    }
    if (config.container) {
        for (const executor of deps.executors) {
            checks.push(containerCheck({ container: config.container.name }, executor));
            if (config.container.logPatterns.length > 0) {
                checks.push(logsCheck({
                    container: config.container.name,
                    patterns: config.container.logPatterns,
                    since: config.since,
                }, executor));
            }
        }
    }
    if (config.telegram) {
        checks.push(telegramWebhookCheck({
            token: config.telegram.token,
            apiUrl: config.telegram.apiUrl,
            expectedUrl: config.telegram.expectedUrl,
            since: config.since ?? deps.clock.now(),
        }, { fetch: deps.fetch }));
    }
    return checks;
}

;// CONCATENATED MODULE: ./src/rollback/window.ts
/**
 * What an inconclusive check (no traffic yet, no samples in the range) does in the post-switch
 * window and at canary steps:
 *
 * - `pause` (the default, the safe choice): promotion waits. The check is asked again every
 *   second for up to `pauseSeconds`; a pass continues, a fail fails, and still inconclusive at
 *   the end fails the gate, so the deploy rolls back rather than promote on no evidence.
 * - `promote`: an inconclusive answer passes (the evidence says so), as gateFromCheck does by
 *   default.
 *
 * A final failure (a fatal log line, a crash loop) is fatal either way.
 */
const INCONCLUSIVE_MODES = ['pause', 'promote'];
function windowGate(check, options = {}) {
    const mode = options.onInconclusive ?? 'pause';
    const pauseMs = (options.pauseSeconds ?? 60) * 1000;
    return async (ctx) => {
        const started = ctx.clock.now();
        let asked = 0;
        for (;;) {
            const probe = await check.probe(ctx.clock.now());
            asked++;
            const now = ctx.clock.now();
            let result;
            if (probe.status === 'pass')
                result = { name: check.name, ok: true, evidence: `pass: ${probe.summary}` };
            else if (probe.status === 'fail')
                result = {
                    name: check.name,
                    ok: false,
                    fatal: probe.final === true,
                    evidence: `fail: ${probe.summary}`,
                };
            else if (mode === 'promote')
                result = {
                    name: check.name,
                    ok: true,
                    evidence: `inconclusive, promoted (on-inconclusive: promote): ${probe.summary}`,
                };
            else if (now - started >= pauseMs)
                result = {
                    name: check.name,
                    ok: false,
                    evidence: `inconclusive for ${Math.round((now - started) / 1000)}s (${asked} probes; on-inconclusive: pause): ${probe.summary}`,
                };
            if (result) {
                options.onVerdict?.(result, now);
                return result;
            }
            if (asked === 1)
                ctx.log.info(`${check.name}: inconclusive (${probe.summary}); paused, asking again`);
            await ctx.clock.sleep(1000);
        }
    };
}

;// CONCATENATED MODULE: ./src/deploy/verify-gates.ts



function hasVerifyChecks(checks) {
    return (checks.http.length > 0 ||
        checks.prometheus !== undefined ||
        checks.logPatterns.length > 0 ||
        checks.telegram !== undefined);
}
function verifyGates(options, deps) {
    const { checks } = options;
    const policy = {
        onInconclusive: options.onInconclusive,
        pauseSeconds: options.pauseSeconds,
        onVerdict: deps.onVerdict,
    };
    const since = deps.clock.now();
    const gates = buildChecks({ http: checks.http, prometheus: checks.prometheus, telegram: checks.telegram, since }, { fetch: deps.fetch, clock: deps.clock, executors: [] }).map((check) => windowGate(check, policy));
    if (checks.logPatterns.length > 0) {
        const perContainer = new Map();
        gates.push(async (ctx) => {
            let gate = perContainer.get(ctx.container);
            if (!gate) {
                const started = Date.parse(ctx.since);
                gate = windowGate(logsCheck({
                    container: ctx.container,
                    patterns: checks.logPatterns,
                    since: Number.isFinite(started) ? started : undefined,
                    name: `logs ${ctx.container}`,
                }, ctx.exec), policy);
                perContainer.set(ctx.container, gate);
            }
            return gate(ctx);
        });
    }
    return gates;
}

;// CONCATENATED MODULE: ./src/ssh/connect.ts




/** The names under which the material is saved for the post step. */
const SSH_STATE = { dir: 'ssh-dir', controlDir: 'ssh-control-dir' };
/**
 * hosts (required) and the credentials, checked before any connection: each host parsed, a key,
 * and known-hosts or host-fingerprint (never an unverified host).
 */
function sshTargetsFrom(hosts, ssh) {
    if (hosts.length === 0)
        throw new InputError('hosts', 'is required: one or more user@host[:port]');
    const targets = hosts.map((h) => parseHost(h, 'hosts'));
    const jump = ssh.jumpHost ? parseHost(ssh.jumpHost, 'jump-host') : undefined;
    if (!ssh.key.trim())
        throw new InputError('ssh-key', 'is required: the private key for the hosts');
    if (!ssh.knownHosts.trim() && ssh.fingerprints.length === 0)
        throw new InputError('known-hosts', 'or host-fingerprint is required: tg-devops never connects to an unverified host');
    return { targets, jump };
}
/** Writes the key material for every target (and the jump host) and saves it for the post step. */
async function connectSsh(ssh, targets, jump, deps) {
    const material = await deps.writeSshMaterial({
        privateKey: ssh.key,
        knownHosts: ssh.knownHosts || undefined,
        hostFingerprints: ssh.fingerprints,
        targets: jump ? [...targets, jump] : [...targets],
        log: deps.log,
        local: deps.local ?? localExecutor(),
    });
    // The post step removes the key and known_hosts even when this step is cancelled.
    deps.saveState?.(SSH_STATE.dir, material.dir);
    deps.saveState?.(SSH_STATE.controlDir, material.controlDir);
    let removed = false;
    const open = (target) => deps.openSession(target, {
        privateKeyFile: material.privateKeyFile,
        knownHostsFile: material.knownHostsFile,
        controlDir: material.controlDir,
        jump,
        log: deps.log,
        clock: deps.clock,
    });
    return {
        material,
        open,
        async withSession(target, body, onError) {
            let session;
            try {
                session = await open(target);
                return await body(session);
            }
            catch (error) {
                return onError(error, session);
            }
            finally {
                await session?.close().catch(() => undefined);
            }
        },
        async openAll(list) {
            const sessions = [];
            try {
                for (const target of list)
                    sessions.push(await open(target));
            }
            catch (error) {
                for (const s of sessions)
                    await s.close().catch(() => undefined);
                throw error;
            }
            return sessions;
        },
        remove() {
            if (removed)
                return;
            removed = true;
            secrets_removeSshMaterial(material.dir, { controlDir: material.controlDir });
        },
    };
}
/** The post step: the material a cancelled main step saved goes away (nothing saved: nothing). */
function removeSavedSshMaterial(getState) {
    const dir = getState(SSH_STATE.dir);
    if (dir)
        removeSshMaterial(dir, { controlDir: getState(SSH_STATE.controlDir) || undefined });
}

;// CONCATENATED MODULE: ./src/rollback/plan.ts

const PREVIOUS = 'previous';
/** Newest first, by start time, then by id (release ids sort by time). */
function byAge(releases) {
    return [...releases].sort((a, b) => b.startedAt.localeCompare(a.startedAt) || b.id.localeCompare(a.id));
}
/** Every release the state knows, once each (current and previous may be missing from history). */
function knownReleases(state) {
    const seen = new Map();
    for (const r of [state.current, state.previous, ...state.history]) {
        if (!r)
            continue;
        const known = seen.get(r.id);
        // The same release recorded twice: a declared irreversible migration in either copy counts.
        if (!known)
            seen.set(r.id, r);
        else if (r.irreversibleMigration && !known.irreversibleMigration)
            seen.set(r.id, { ...known, irreversibleMigration: true });
    }
    return byAge([...seen.values()]);
}
const isNewer = (a, b) => a.startedAt !== b.startedAt ? a.startedAt > b.startedAt : a.id > b.id;
function planRollback(state, target, options) {
    const fail = (problem) => {
        throw new StepError('rollback', problem);
    };
    const current = state.current ?? fail(`${state.app}: nothing is deployed, nothing to roll back`);
    const releases = knownReleases(state);
    const wanted = (target ?? '').trim() || PREVIOUS;
    let to;
    if (wanted === PREVIOUS) {
        to =
            state.previous && state.previous.id !== current.id
                ? state.previous
                : releases.find((r) => r.id !== current.id && isNewer(current, r));
        if (!to)
            fail(`${state.app}: no previous release recorded on the host (current ${current.id}); name one with a release id`);
    }
    else {
        to = releases.find((r) => r.id === wanted);
        if (!to)
            fail(`${state.app}: release ${wanted} is not in the host's history; known: ${releases.map((r) => r.id).join(', ')}`);
    }
    const target_ = to;
    if (target_.id === current.id)
        fail(`${state.app}: ${target_.id} is the current release already; nothing to do`);
    const forward = isNewer(target_, current);
    const over = forward
        ? []
        : releases.filter((r) => isNewer(r, target_) && !isNewer(r, current) && r.id !== target_.id);
    const irreversible = over.filter((r) => r.irreversibleMigration === true);
    if (irreversible.length && !options.force)
        fail(`${state.app}: refusing to roll back to ${target_.id}: ${irreversible
            .map((r) => `release ${r.id} (${r.image})`)
            .join(', ')} declared an irreversible migration, so ${target_.id}'s code would run against a schema it does not know. ` +
            `Restore the database first (a pre-deploy backup), or set force: true to roll back anyway.`);
    return {
        app: state.app,
        from: current,
        to: target_,
        over,
        irreversible,
        forced: irreversible.length > 0,
        forward,
    };
}
/** After the rollback: the target is current, the release it replaced is previous. */
function stateAfter(state, plan) {
    const history = state.history.some((r) => r.id === plan.to.id)
        ? state.history
        : [plan.to, ...state.history];
    return { app: state.app, current: plan.to, previous: plan.from, history };
}
function rollbackSummaryLine(plan) {
    return (`${plan.forward ? 'roll forward' : 'roll back'} ${plan.app} from ${plan.from.id} (${plan.from.image}) ` +
        `to ${plan.to.id} (${plan.to.image})` +
        (plan.over.length > 1 ? `, over ${plan.over.map((r) => r.id).join(', ')}` : '') +
        (plan.forced
            ? `; FORCED past the irreversible migration of ${plan.irreversible.map((r) => r.id).join(', ')}`
            : ''));
}

;// CONCATENATED MODULE: ./src/rollback/execute.ts







async function look(settings, deps) {
    const { exec, host } = deps;
    const paths = host.appPaths(settings.stateBase, settings.app);
    const state = await host.readState(exec, paths);
    const containers = parseContainerList((await exec.run(listArgv(settings.app))).stdout);
    const proxy = typeof deps.proxy === 'function' ? deps.proxy(state.current) : deps.proxy;
    const routed = proxy ? await proxy.current(exec) : undefined;
    let httpTool = 'none';
    if (settings.healthPath) {
        const found = await exec.run(['sh', '-c', 'command -v curl || command -v wget || true'], {
            allowFailure: true,
        });
        const first = found.stdout.trim().split('\n')[0] ?? '';
        httpTool = first.endsWith('/curl') ? 'curl' : first.endsWith('/wget') ? 'wget' : 'none';
    }
    return { state, containers, routed, httpTool, proxy };
}
/**
 * The image label `org.tg-devops.migration=irreversible` declares a release's migration
 * irreversible even when the deploy did not record it: read here for the releases rolled over
 * (docker image inspect, read-only). A release the state already marks keeps its mark.
 */
async function withMigrationLabels(exec, state, log) {
    const cache = new Map();
    const mark = async (r) => {
        if (!r || r.irreversibleMigration !== undefined)
            return r;
        if (!cache.has(r.image)) {
            const out = await exec.run(imageLabelsArgv(r.image), { allowFailure: true });
            let value;
            if (out.exitCode === 0) {
                try {
                    const label = parseMigrationLabel(out.stdout);
                    value = label === undefined ? undefined : label === 'irreversible';
                }
                catch {
                    log.warn(`labels of ${r.image} not readable: ${out.stdout.slice(0, 100)}`);
                }
            }
            cache.set(r.image, value);
        }
        const value = cache.get(r.image);
        return value === undefined ? r : { ...r, irreversibleMigration: value };
    };
    const history = [];
    for (const r of state.history)
        history.push((await mark(r)));
    return {
        app: state.app,
        current: await mark(state.current),
        previous: await mark(state.previous),
        history,
    };
}
function rollbackMode(plan, proxy) {
    const { to, from } = plan;
    return proxy && to.color && to.port !== undefined && from.color && to.color !== from.color
        ? 'proxy'
        : 'handover';
}
function gctx(ctx, release, settings, since) {
    return {
        exec: ctx.exec,
        clock: ctx.clock,
        log: ctx.log,
        container: release.container,
        port: release.port,
        healthPath: settings.healthPath,
        since,
        httpTool: ctx.httpTool,
    };
}
/** The steps, each with its undo. Pure: a value to print (dry-run) before it runs. */
function rollbackSteps(plan, mode, settings, seen, marks = {}) {
    const { to, from } = plan;
    const running = (name) => seen.containers.some((c) => c.name === name && (c.state === 'running' || c.state === 'restarting'));
    const grace = settings.stopGraceSeconds;
    const start = {
        id: 'start-target',
        title: `start ${to.container} again (kept stopped for rollback)`,
        argv: startArgv(to.container),
        run: async (ctx) => {
            await ctx.exec.run(startArgv(to.container));
        },
        undo: {
            title: `stop ${to.container}`,
            run: async (ctx) => {
                await ctx.exec.run(stopArgv(to.container, grace), { allowFailure: true });
            },
        },
    };
    const ready = {
        id: 'ready',
        title: `health-gate ${to.container}: running${to.port !== undefined && settings.healthPath ? `, GET 127.0.0.1:${to.port}${settings.healthPath}` : ''} (up to ${settings.healthTimeoutSeconds}s)`,
        run: async (ctx) => {
            await waitReady(gctx(ctx, to, settings, new Date(ctx.clock.now()).toISOString()), [runningGate, httpGate], settings.healthTimeoutSeconds);
        },
    };
    const stopCurrent = {
        id: 'stop-current',
        title: `stop ${from.container} (SIGTERM, up to ${grace}s), keep it`,
        argv: stopArgv(from.container, grace),
        run: async (ctx) => {
            await ctx.exec.run(stopArgv(from.container, grace));
        },
        undo: {
            title: `start ${from.container} again`,
            run: async (ctx) => {
                await ctx.exec.run(startArgv(from.container), { allowFailure: true });
            },
        },
    };
    const steps = [];
    if (mode === 'proxy') {
        if (!running(to.container))
            steps.push(start);
        steps.push(ready);
        const before = seen.routed ?? [];
        steps.push({
            id: 'route',
            title: `route all traffic to ${to.color} (${to.container}, port ${to.port})`,
            run: async (ctx) => {
                if (!ctx.proxy)
                    throw new Error('no traffic proxy configured');
                await ctx.proxy.route(ctx.exec, [{ color: to.color, port: to.port, weight: 100 }]);
                marks.switched?.(ctx.clock.now());
            },
            undo: before.length
                ? {
                    title: `route back to ${before.map((b) => `${b.color}:${b.weight}%`).join(', ')}`,
                    run: async (ctx) => {
                        await ctx.proxy?.route(ctx.exec, before);
                    },
                }
                : undefined,
        });
        if (running(from.container)) {
            steps.push({
                id: 'drain',
                title: `drain ${from.color} (${from.container}) for up to ${settings.drainSeconds}s`,
                run: async (ctx) => {
                    await ctx.proxy?.drain(ctx.exec, from.color, settings.drainSeconds, ctx.clock);
                },
            });
            steps.push({ ...stopCurrent, undo: undefined });
        }
    }
    else {
        if (running(from.container))
            steps.push(stopCurrent);
        if (!running(to.container))
            steps.push(start);
        steps.push({
            ...ready,
            id: 'gate',
            title: `${ready.title}; no 409/Conflict/AUTH_KEY_DUPLICATED for ${settings.gateWindowSeconds}s`,
            run: async (ctx) => {
                const since = new Date(ctx.clock.now() - 5000).toISOString();
                const g = gctx(ctx, to, settings, since);
                await waitReady(g, [runningGate, httpGate], settings.healthTimeoutSeconds);
                marks.switched?.(ctx.clock.now());
                const end = ctx.clock.now() + settings.gateWindowSeconds * 1000;
                for (;;) {
                    for (const gate of [runningGate, logGate()]) {
                        const r = await gate(g);
                        if (!r.ok)
                            throw new StepError('gate', `gate ${r.name} failed: ${r.evidence}`);
                    }
                    if (ctx.clock.now() >= end)
                        break;
                    await ctx.clock.sleep(1000);
                }
            },
        });
    }
    return steps;
}
/** The engine's plan printout, headed as a rollback. */
function rollbackText(plan) {
    return planText(plan).replace(/^Deploy /, 'Rollback of ');
}
function asPlan(plan, mode, steps, notes) {
    return {
        app: plan.app,
        strategy: mode === 'proxy' ? 'proxy switch' : 'handover',
        releaseId: plan.to.id,
        image: plan.to.image,
        color: plan.to.color ?? 'blue',
        container: plan.to.container,
        port: plan.to.port,
        current: plan.from,
        release: plan.to,
        steps,
        cleanup: [],
        notes: [rollbackSummaryLine(plan), ...notes],
    };
}
/**
 * Plans (from the host's state) and executes a rollback on one host. Dry-run reads and prints
 * only. Throws StepError('rollback', ...) when refused (unknown target, pruned container,
 * irreversible migration without force) before anything changes, and a StepError naming the
 * failed step after the undos ran.
 */
async function rollback(settings, deps, marks = {}) {
    const { exec, host, log, clock } = deps;
    const started = clock.now();
    const paths = host.appPaths(settings.stateBase, settings.app);
    let switchedAt;
    const local = {
        switched: (at) => {
            switchedAt = at;
            marks.switched?.(at);
        },
    };
    const prepare = async () => {
        const seen = await look(settings, deps);
        const state = await withMigrationLabels(exec, seen.state, log);
        const plan = planRollback(state, settings.to, { force: settings.force });
        if (!seen.containers.some((c) => c.name === plan.to.container))
            throw new StepError('rollback', `${exec.where}: the container ${plan.to.container} of release ${plan.to.id} is gone (pruned: keep-releases); deploy its image ${plan.to.image} again instead`);
        const mode = rollbackMode(plan, seen.proxy);
        const notes = [];
        if (plan.forced)
            notes.push(`force: rolling back past the irreversible migration of ${plan.irreversible.map((r) => r.id).join(', ')}`);
        const steps = rollbackSteps(plan, mode, settings, seen, local);
        return { seen, state, plan, mode, steps: asPlan(plan, mode, steps, notes) };
    };
    if (settings.dryRun) {
        const p = await prepare();
        log.info(`dry-run: nothing changes on ${exec.where}\n${rollbackText(p.steps)}`);
        return {
            dryRun: true,
            plan: p.plan,
            mode: p.mode,
            steps: p.steps,
            totalMs: clock.now() - started,
        };
    }
    await exec.run(['mkdir', '-p', paths.dir]);
    const ttl = Math.max(300, 2 *
        (settings.healthTimeoutSeconds +
            settings.drainSeconds +
            settings.stopGraceSeconds +
            settings.gateWindowSeconds) +
        120);
    const lock = await host.acquireLock(exec, paths.lock, { ...deps.holder, startedAt: new Date(started).toISOString() }, { ttlSeconds: ttl, timeoutSeconds: settings.lockTimeoutSeconds, clock, log });
    try {
        const p = await prepare();
        log.info(rollbackText(p.steps));
        if (p.plan.forced)
            log.warn(p.steps.notes[1] ?? 'forced');
        const firstStep = clock.now();
        const result = await execute(p.steps, {
            exec,
            clock,
            log,
            host,
            proxy: p.seen.proxy,
            httpTool: p.seen.httpTool,
            extraGates: [],
            facts: { waitMs: 0 },
        });
        if (result.ok) {
            try {
                await host.writeState(exec, paths, stateAfter(p.state, p.plan));
            }
            catch (error) {
                // The target serves, but the state says otherwise: say so loudly, the next deploy
                // reconciles from what runs and what the proxy routes.
                log.error(`state.json not updated after the rollback: ${errorMessage(error)}`);
                throw new StepError('state', `rolled back, but state.json was not updated: ${errorMessage(error)}`);
            }
        }
        await host
            .appendAudit(exec, paths, {
            at: new Date(clock.now()).toISOString(),
            actor: deps.holder.actor,
            action: 'rollback',
            release: p.plan.to.id,
            image: p.plan.to.image,
            result: result.ok ? 'success' : 'failure',
            detail: [
                `from ${p.plan.from.id}`,
                settings.reason,
                p.plan.forced
                    ? `forced past the irreversible migration of ${p.plan.irreversible.map((r) => r.id).join(', ')}`
                    : undefined,
                result.error?.message,
            ]
                .filter(Boolean)
                .join('; '),
            url: deps.holder.url,
            runId: deps.holder.runId,
        })
            .catch((error) => log.warn(`audit entry not written: ${errorMessage(error)}`));
        const report = {
            dryRun: false,
            plan: p.plan,
            mode: p.mode,
            steps: p.steps,
            result,
            totalMs: clock.now() - started,
            switchMs: switchedAt === undefined ? undefined : switchedAt - firstStep,
        };
        if (!result.ok)
            throw new RollbackError(result.error, report);
        return report;
    }
    finally {
        await lock.release().catch((error) => log.warn(`lock not released: ${String(error)}`));
    }
}
class RollbackError extends StepError {
    report;
    constructor(cause, report) {
        super(cause.step, `${cause.message.slice(cause.step.length + 2)}; undone: ${report.plan.from.id} still serves`);
        this.report = report;
        this.name = 'RollbackError';
    }
}

// EXTERNAL MODULE: ./node_modules/yaml/dist/index.js
var dist = __nccwpck_require__(8815);
;// CONCATENATED MODULE: ./src/deploy/config.ts



/**
 * The deploy configuration: built once from raw input strings (the action's inputs, or a CLI's
 * flags), validated, typed. Every problem is an InputError naming the input, raised before
 * anything on a host changes.
 */
const BOT_MODES = ['polling', 'webhook', 'mtproto', 'worker'];
const STRATEGIES = ['handover', 'blue-green', 'canary'];
const PROXY_KINDS = ['nginx', 'haproxy', 'none'];
const DEFAULTS = {
    'container-port': '8080',
    'host-ports': '8001,8002',
    'canary-steps': '10,50,100',
    'step-interval': '30',
    'drain-seconds': '10',
    'stop-grace': '20',
    'gate-window': '10',
    'health-timeout': '60',
    'backup-keep': '5',
    'backup-database-url-variable': 'DATABASE_URL',
    'lock-timeout': '300',
    'keep-releases': '3',
    'state-dir': '/var/lib/tg-devops',
    proxy: 'nginx',
};
function buildConfig(raw) {
    const get = (name) => {
        const value = raw[name];
        return (value ?? '').trim();
    };
    const orDefault = (name) => get(name) || DEFAULTS[name];
    const warnings = [];
    const app = parseAppName(get('app'));
    const image = parseImageRef(get('image'), 'image');
    if (!image.digest) {
        warnings.push(`image ${image.raw} is a mutable tag: prefer a digest reference (…@sha256:…) so what was tested is what runs`);
    }
    const botMode = parseEnum('bot-mode', get('bot-mode'), BOT_MODES);
    if (!botMode)
        throw new InputError('bot-mode', `is required: one of ${BOT_MODES.join(', ')}`);
    const strategy = parseEnum('strategy', get('strategy'), STRATEGIES) ?? defaultStrategy(botMode);
    checkStrategy(botMode, strategy);
    const containerPort = parsePort('container-port', orDefault('container-port'));
    const ports = orDefault('host-ports')
        .split(/[\s,]+/)
        .filter(Boolean);
    if (ports.length !== 2)
        throw new InputError('host-ports', 'expected two loopback ports, "BLUE,GREEN" (e.g. 8001,8002)');
    const hostPorts = {
        blue: parsePort('host-ports', ports[0]),
        green: parsePort('host-ports', ports[1]),
    };
    if (hostPorts.blue === hostPorts.green)
        throw new InputError('host-ports', 'the blue and green ports must differ');
    const healthPath = get('health-path') ? parseHealthPath(get('health-path')) : undefined;
    if (strategy !== 'handover' && botMode === 'webhook' && !healthPath) {
        throw new InputError('health-path', `is required for ${strategy}: traffic moves only to a color that answers it`);
    }
    const env = parseDotenv(raw.env ?? '');
    const volumes = parseVolumes(get('volumes'));
    const cpus = get('cpus') ? parseCpus(get('cpus')) : undefined;
    const memory = get('memory') ? parseMemory(get('memory')) : undefined;
    const network = get('network') ? parseNetwork(get('network')) : undefined;
    const extraOptions = parseDockerOptions(raw['docker-options'] ?? '');
    const registryServer = get('registry');
    const username = get('registry-username');
    const password = raw['registry-password'] ?? '';
    let registry;
    if (username || password.trim()) {
        if (!username)
            throw new InputError('registry-username', 'is required when registry-password is set');
        if (!password.trim())
            throw new InputError('registry-password', 'is required when registry-username is set');
        if (!/^[A-Za-z0-9_][A-Za-z0-9._@+-]{0,255}$/.test(username))
            throw new InputError('registry-username', 'letters, digits and . _ @ + - only (as registries accept), not starting with - or .');
        const server = registryServer || image.registry;
        if (!server)
            throw new InputError('registry', 'is required with registry credentials when the image names no registry');
        registry = { server: parseRegistryHost(server), username, password: password.trim() };
    }
    else if (registryServer) {
        parseRegistryHost(registryServer);
    }
    const canarySteps = parseCanarySteps(orDefault('canary-steps'));
    const seconds = (name, min, max) => parseInteger(name, orDefault(name), min, max);
    const preDeploy = get('pre-deploy') ? splitCommand(get('pre-deploy'), 'pre-deploy') : undefined;
    let backup;
    const backupKind = get('backup');
    // Validated even without a backup: a bad value is a mistake worth knowing about now.
    const backupKeep = seconds('backup-keep', 1, 100);
    const variable = orDefault('backup-database-url-variable');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable))
        throw new InputError('backup-database-url-variable', 'must be an environment variable name');
    if (backupKind) {
        if (backupKind !== 'postgres')
            throw new InputError('backup', `expected "postgres" or empty, got ${JSON.stringify(backupKind)}`);
        if (!env.keys.includes(variable))
            throw new InputError('backup', `needs ${variable} in the env input (the database the bot uses) to dump it`);
        backup = { kind: 'postgres', keep: backupKeep, databaseUrlVariable: variable };
    }
    const dryRunRaw = get('dry-run').toLowerCase();
    if (!['', 'true', 'false'].includes(dryRunRaw))
        throw new InputError('dry-run', `expected true or false, got ${JSON.stringify(dryRunRaw)}`);
    const proxy = parseEnum('proxy', get('proxy'), PROXY_KINDS) ??
        (botMode === 'webhook' ? DEFAULTS.proxy : 'none');
    if (strategy === 'canary' && proxy === 'none')
        throw new InputError('proxy', 'canary moves traffic weights: it needs nginx or haproxy');
    return {
        app,
        image,
        botMode,
        strategy,
        containerPort,
        hostPorts,
        healthPath,
        envFile: env.text,
        envKeys: env.keys,
        volumes,
        cpus,
        memory,
        network,
        extraOptions,
        registry,
        canarySteps,
        stepIntervalSeconds: seconds('step-interval', 0, 3600),
        drainSeconds: seconds('drain-seconds', 0, 3600),
        stopGraceSeconds: seconds('stop-grace', 1, 600),
        gateWindowSeconds: seconds('gate-window', 0, 600),
        healthTimeoutSeconds: seconds('health-timeout', 1, 3600),
        preDeploy,
        backup,
        lockTimeoutSeconds: seconds('lock-timeout', 0, 7200),
        keepReleases: seconds('keep-releases', 1, 50),
        dryRun: dryRunRaw === 'true',
        stateBase: parseStateDir(orDefault('state-dir')),
        proxy,
        warnings,
    };
}
function defaultStrategy(mode) {
    return mode === 'polling' || mode === 'mtproto' ? 'handover' : 'blue-green';
}
function checkStrategy(mode, strategy) {
    if ((mode === 'polling' || mode === 'mtproto') && strategy !== 'handover') {
        const why = mode === 'polling'
            ? 'two getUpdates pollers on one token get 409 Conflict and updates are lost'
            : 'two holders of one MTProto session can get it invalidated for good (AUTH_KEY_DUPLICATED)';
        throw new InputError('strategy', `${strategy} runs two instances at once, which a ${mode} bot must never do: ${why}. Use handover.`);
    }
    if (mode === 'worker' && strategy === 'canary')
        throw new InputError('strategy', 'canary splits HTTP traffic; a worker takes none: use blue-green');
}
const config_APP_NAME = /^[a-z][a-z0-9-]{0,38}[a-z0-9]$/;
function parseAppName(value) {
    if (!value)
        throw new InputError('app', 'is required: the service name, e.g. mybot');
    if (!config_APP_NAME.test(value) || value.includes('--'))
        throw new InputError('app', `${JSON.stringify(value)} is not a valid name: 2-40 characters, lowercase letters, digits and single hyphens, starting with a letter`);
    return value;
}
// The docker reference grammar (distribution/reference), without the rare uppercase-host forms.
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?`;
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = 'sha256:[a-f0-9]{64}';
const REFERENCE = new RegExp(`^(?:(${DOMAIN})/)?(${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);
function parseImageRef(value, input = 'image') {
    if (!value)
        throw new InputError(input, 'is required: an image reference, ideally by digest');
    const match = REFERENCE.exec(value);
    if (!match || value.length > 512)
        throw new InputError(input, `${JSON.stringify(value)} is not an image reference: [registry/]name[:tag][@sha256:<64 hex>]`);
    let registry = match[1];
    let repository = match[2];
    // "name/rest" where name has no dot, colon and is not localhost: part of the path, not a host.
    if (registry && !/[.:[]/.test(registry) && registry !== 'localhost') {
        repository = `${registry}/${repository}`;
        registry = undefined;
    }
    if (registry && /[A-Z]/.test(registry) === false && repository.length > 255)
        throw new InputError(input, 'the repository name is longer than 255 characters');
    return { raw: value, registry, repository, tag: match[3], digest: match[4] };
}
function parseRegistryHost(value) {
    if (!new RegExp(`^${DOMAIN}$`).test(value))
        throw new InputError('registry', `${JSON.stringify(value)} is not a registry host[:port]`);
    return value;
}
function parseEnum(input, value, allowed) {
    if (!value)
        return undefined;
    if (!allowed.includes(value))
        throw new InputError(input, `expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
    return value;
}
function parseInteger(input, value, min, max) {
    if (!/^\d+$/.test(value))
        throw new InputError(input, `expected a whole number, got ${JSON.stringify(value)}`);
    const n = Number(value);
    if (n < min || n > max)
        throw new InputError(input, `must be between ${min} and ${max}, got ${n}`);
    return n;
}
function parsePort(input, value) {
    return parseInteger(input, value, 1, 65535);
}
function parseHealthPath(value) {
    if (!/^\/[A-Za-z0-9._~/-]*(?:\?[A-Za-z0-9._~=&%-]*)?$/.test(value) || value.includes('..'))
        throw new InputError('health-path', `${JSON.stringify(value)} is not a plain URL path such as /health`);
    return value;
}
/** dotenv text: KEY=VALUE lines, # comments, optional `export ` and one pair of outer quotes. */
function parseDotenv(text) {
    const keys = [];
    const out = [];
    text.split(/\r?\n/).forEach((line, index) => {
        const trimmed = line.trim();
        if (!trimmed || trimmed.startsWith('#'))
            return;
        const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(trimmed);
        // Never echo the line: it may hold a secret. The line number and key are enough.
        if (!match)
            throw new InputError('env', `line ${index + 1} is not KEY=VALUE (a letter or _ first, then letters, digits, _)`);
        const key = match[1];
        let value = match[2];
        const quoted = /^(['"])(.*)\1$/.exec(value);
        if (quoted)
            value = quoted[2];
        if (keys.includes(key))
            throw new InputError('env', `line ${index + 1}: ${key} is set twice`);
        if (value.includes('\0'))
            throw new InputError('env', `line ${index + 1}: NUL byte in ${key}`);
        keys.push(key);
        out.push(`${key}=${value}`);
    });
    return { text: out.length ? `${out.join('\n')}\n` : '', keys };
}
const FORBIDDEN_MOUNTS = [
    '/',
    '/etc',
    '/proc',
    '/sys',
    '/dev',
    '/boot',
    '/root',
    '/var/run/docker.sock',
    '/run/docker.sock',
    '/var/run',
    '/run',
];
function parseVolumes(value) {
    return value
        .split(/\r?\n|,/)
        .map((s) => s.trim())
        .filter((s) => s && !s.startsWith('#'))
        .map((spec) => {
        const parts = spec.split(':');
        const [source, target, mode, ...rest] = parts;
        const bad = (why) => new InputError('volumes', `${JSON.stringify(spec)}: ${why} (expected host:container[:ro])`);
        if (!source ||
            !target ||
            rest.length ||
            (mode !== undefined && mode !== 'ro' && mode !== 'rw'))
            throw bad('wrong shape');
        const pathChars = /^[A-Za-z0-9._/@+-]+$/;
        for (const p of [source, target]) {
            if (!pathChars.test(p))
                throw bad('only letters, digits and . _ / @ + - are allowed');
            if (p.split('/').includes('..'))
                throw bad('".." is not allowed');
        }
        if (!target.startsWith('/'))
            throw bad('the container path must be absolute');
        if (source.startsWith('/')) {
            const normal = source.replace(/\/+$/, '') || '/';
            if (FORBIDDEN_MOUNTS.includes(normal))
                throw bad(`mounting ${normal} is refused`);
        }
        else if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(source)) {
            throw bad('a named volume is letters, digits, _ . -');
        }
        return { source, target, readOnly: mode === 'ro' };
    });
}
function parseCpus(value) {
    if (!/^\d{1,3}(?:\.\d{1,3})?$/.test(value) || Number(value) <= 0)
        throw new InputError('cpus', `expected a positive number of CPUs such as 0.5 or 2, got ${JSON.stringify(value)}`);
    return value;
}
function parseMemory(value) {
    const match = /^(\d{1,12})([bkmg])?$/i.exec(value);
    if (!match)
        throw new InputError('memory', `expected a size such as 256m or 1g, got ${JSON.stringify(value)}`);
    const units = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };
    const bytes = Number(match[1]) * units[(match[2] ?? 'b').toLowerCase()];
    if (bytes < 6 * 1024 ** 2)
        throw new InputError('memory', 'docker needs at least 6m');
    return value.toLowerCase();
}
function parseNetwork(value) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(value))
        throw new InputError('network', `${JSON.stringify(value)} is not a docker network name`);
    if (value === 'none')
        throw new InputError('network', '"none" leaves the bot without network');
    return value;
}
/** The docker run options a bot may add, each with the grammar of its value (undefined: a flag). */
const DOCKER_OPTIONS = {
    '--cap-drop': /^(?:ALL|[A-Z_]{2,32})$/,
    '--read-only': undefined,
    '--init': undefined,
    '--user': /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/,
    '--log-driver': /^(?:json-file|local|journald|syslog|none)$/,
    '--log-opt': /^[a-z][a-z0-9_.-]{0,40}=[A-Za-z0-9_.:/,-]{1,200}$/,
    '--pids-limit': /^-?\d{1,7}$/,
    '--ulimit': /^[a-z]{2,12}=-?\d{1,12}(?::-?\d{1,12})?$/,
    '--tmpfs': /^\/[A-Za-z0-9._/-]{0,200}(?::[a-z0-9=,]{1,100})?$/,
    '--security-opt': /^no-new-privileges(?::true)?$/,
    '--stop-signal': /^(?:SIG)?[A-Z0-9]{2,8}$/,
    '--shm-size': /^\d{1,6}[bkmg]?$/,
};
const ALLOWED_DOCKER_OPTIONS = Object.keys(DOCKER_OPTIONS);
/**
 * Extra `docker run` options, one per line (or several on a line): `--name=value`, `--name value`
 * or `--flag`. Only the allow-list passes; each option becomes ONE argv token `--name=value`.
 */
function parseDockerOptions(text) {
    const tokens = text
        .split(/\s+/)
        .map((t) => t.trim())
        .filter(Boolean);
    const out = [];
    for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i];
        const eq = token.indexOf('=');
        const name = eq > 0 ? token.slice(0, eq) : token;
        if (!Object.hasOwn(DOCKER_OPTIONS, name))
            throw new InputError('docker-options', `${JSON.stringify(name)} is not allowed; allowed: ${ALLOWED_DOCKER_OPTIONS.join(', ')}`);
        const grammar = DOCKER_OPTIONS[name];
        if (!grammar) {
            if (eq > 0)
                throw new InputError('docker-options', `${name} takes no value`);
            out.push(name);
            continue;
        }
        let value;
        if (eq > 0)
            value = token.slice(eq + 1);
        else {
            value = tokens[i + 1];
            i++;
        }
        if (value === undefined || !grammar.test(value))
            throw new InputError('docker-options', `${name} needs a value like ${exampleFor(name)}`);
        out.push(`${name}=${value}`);
    }
    return out;
}
function exampleFor(name) {
    const examples = {
        '--cap-drop': 'ALL',
        '--user': '1000:1000',
        '--log-opt': 'max-size=10m',
        '--pids-limit': '200',
        '--ulimit': 'nofile=1024:2048',
        '--tmpfs': '/tmp:size=64m',
        '--security-opt': 'no-new-privileges',
        '--log-driver': 'json-file',
        '--stop-signal': 'SIGINT',
        '--shm-size': '64m',
    };
    return examples[name] ?? 'the documented form';
}
function parseCanarySteps(value) {
    const parts = value
        .split(/[\s,]+/)
        .filter(Boolean)
        .map((p) => {
        if (!/^\d{1,3}$/.test(p))
            throw new InputError('canary-steps', `expected percentages such as 10,50,100, got ${JSON.stringify(p)}`);
        return Number(p);
    });
    if (!parts.length)
        throw new InputError('canary-steps', 'needs at least one step');
    let last = 0;
    for (const p of parts) {
        if (p <= last || p > 100)
            throw new InputError('canary-steps', 'steps rise strictly, each between 1 and 100');
        last = p;
    }
    if (last !== 100)
        throw new InputError('canary-steps', 'the last step must be 100 (the promotion)');
    return parts;
}
function parseStateDir(value) {
    if (!/^\/[A-Za-z0-9._/-]*$/.test(value) || value.split('/').includes('..'))
        throw new InputError('state-dir', `${JSON.stringify(value)} must be an absolute path of plain characters`);
    return value.replace(/\/+$/, '') || '/';
}

;// CONCATENATED MODULE: ./src/health/time.ts
/** Durations like `90`, `90s`, `5m`, `1h`, `500ms` in milliseconds; undefined if not one. */
function parseDuration(text) {
    const m = text.trim().match(/^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/);
    if (!m)
        return undefined;
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? 's')];
    return Math.round(Number(m[1]) * unit);
}
/**
 * A point in time as epoch ms: RFC 3339 (`2026-11-30T03:00:00Z`), unix seconds (`1764471600`),
 * a deploy's release id (`20261130-030000`, UTC: the deploy action's `release-id` output), or a
 * duration ago (`10m`). Undefined if it is none of these.
 */
function parseSince(text, now) {
    const t = text.trim();
    const release = t.match(/^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})$/);
    if (release) {
        const [y, mo, d, h, mi, s] = release.slice(1).map(Number);
        const ms = Date.UTC(y, mo - 1, d, h, mi, s);
        return new Date(ms).getUTCDate() === d ? ms : undefined;
    }
    if (/^\d{9,11}(\.\d+)?$/.test(t))
        return Math.round(Number(t) * 1000);
    const ago = parseDuration(t);
    if (ago !== undefined && /[a-z]$/.test(t))
        return now - ago;
    if (/^\d{4}-\d{2}-\d{2}T/.test(t)) {
        const ms = Date.parse(t);
        return Number.isNaN(ms) ? undefined : ms;
    }
    return undefined;
}
/** A PromQL range (`5m`, `90s`, `1h`). */
function isPromRange(text) {
    return /^(\d+(ms|s|m|h|d|w|y))+$/.test(text.trim());
}

;// CONCATENATED MODULE: ./src/health/inputs.ts





/** An http(s) URL, or an InputError naming the input. */
function httpUrlInput(name, raw) {
    let url;
    try {
        url = new URL(raw);
    }
    catch {
        throw new InputError(name, `is not a URL: ${JSON.stringify(raw)}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new InputError(name, `must be http or https, got ${url.protocol}`);
    }
    return raw;
}
function parseCheckInputs(raw, options = {}) {
    const name = options.name ?? ((base) => base);
    // --- HTTP
    for (const s of raw.httpStatus) {
        if (!/^[1-5][0-9xX]{2}$/.test(s)) {
            throw new InputError(name('http-status'), `expected codes like 200 or 2xx, got ${JSON.stringify(s)}`);
        }
    }
    if (raw.httpJsonPath) {
        try {
            parseJsonPath(raw.httpJsonPath);
        }
        catch (error) {
            throw new InputError(name('http-json-path'), error.message);
        }
    }
    const http = raw.httpUrls.map((url) => ({
        url: httpUrlInput(name('http-url'), url),
        status: raw.httpStatus.length ? [...raw.httpStatus] : ['2xx'],
        bodyContains: raw.httpBody || undefined,
        jsonPath: raw.httpJsonPath || undefined,
        latencyBudgetMs: raw.httpLatencyMs > 0 ? raw.httpLatencyMs : undefined,
    }));
    // --- Prometheus
    let prometheus;
    if (raw.prometheusUrl) {
        httpUrlInput(name('prometheus-url'), raw.prometheusUrl);
        if (!isPromRange(raw.prometheusRange)) {
            throw new InputError(name('prometheus-range'), `expected a PromQL range like 5m or 90s, got ${JSON.stringify(raw.prometheusRange)}`);
        }
        if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(raw.prometheusStatusLabel)) {
            throw new InputError(name('prometheus-status-label'), `is not a label name: ${JSON.stringify(raw.prometheusStatusLabel)}`);
        }
        const unknown = raw.prometheusChecks.filter((n) => n !== 'none' && !READY_MADE.includes(n));
        if (unknown.length) {
            throw new InputError(name('prometheus-checks'), `unknown check(s) ${unknown.join(', ')}; expected ${READY_MADE.join(', ')} or none`);
        }
        const custom = raw.prometheusQueries.map((line) => {
            try {
                return parseQueryLine(line);
            }
            catch (error) {
                throw new InputError(name('prometheus-queries'), error.message);
            }
        });
        const readyMade = raw.prometheusChecks.includes('none')
            ? []
            : [...raw.prometheusChecks];
        if (readyMade.length && !raw.prometheusSelector) {
            throw new InputError(name('prometheus-selector'), `is required with ${name('prometheus-checks')}: the label matchers of the new release's series, e.g. job="bot",version="v2"`);
        }
        prometheus = {
            url: raw.prometheusUrl,
            readyMade,
            selector: raw.prometheusSelector,
            range: raw.prometheusRange,
            minSamples: raw.minSamples,
            statusLabel: raw.prometheusStatusLabel,
            custom,
            token: raw.prometheusToken.trim() || undefined,
        };
    }
    else if (raw.prometheusQueries.length) {
        throw new InputError(name('prometheus-url'), `is required with ${name('prometheus-queries')}`);
    }
    // --- Log patterns
    const given = raw.logPatterns;
    const logPatterns = given.length === 1 && given[0] === 'none'
        ? []
        : given.length
            ? [...given]
            : [...(options.defaultLogPatterns ?? [])];
    for (const p of logPatterns) {
        try {
            parsePattern(p);
        }
        catch (error) {
            throw new InputError(name('log-patterns'), `${JSON.stringify(p)}: ${error.message}`);
        }
    }
    // --- Telegram webhook
    const token = raw.telegramBotToken.trim();
    const telegramApiUrl = httpUrlInput(name('telegram-api-url'), raw.telegramApiUrl);
    if (raw.telegramWebhookUrl && !token) {
        throw new InputError(name('telegram-bot-token'), `is required with ${name('telegram-webhook-url')}`);
    }
    return {
        http,
        prometheus,
        logPatterns,
        telegram: token
            ? { token, apiUrl: telegramApiUrl, expectedUrl: raw.telegramWebhookUrl || undefined }
            : undefined,
        telegramApiUrl,
    };
}

;// CONCATENATED MODULE: ./src/cli/config-file.ts








/**
 * The CLI's config file: YAML whose keys are exactly the deploy action's input names, so a
 * workflow step's `with:` block can be copied into it. Secrets never have to be written inline:
 *
 *   ssh-key-file: ~/.ssh/deploy_ed25519     or env TG_DEVOPS_SSH_KEY
 *   env-file: ./prod.env                    or env TG_DEVOPS_ENV
 *   registry-password-file: ./registry.txt  or env TG_DEVOPS_REGISTRY_PASSWORD
 *   known-hosts-file: ./known_hosts         (not secret; inline known-hosts works too)
 *
 * Relative paths are relative to the config file. Every problem names the file and the key.
 */
/** The deploy action's inputs (deploy/action.yml; a unit test keeps the two lists equal). */
const DEPLOY_INPUTS = [
    'hosts',
    'batch-size',
    'ssh-key',
    'known-hosts',
    'host-fingerprint',
    'jump-host',
    'app',
    'image',
    'bot-mode',
    'strategy',
    'container-port',
    'host-ports',
    'health-path',
    'env',
    'volumes',
    'cpus',
    'memory',
    'network',
    'docker-options',
    'registry',
    'registry-username',
    'registry-password',
    'canary-steps',
    'step-interval',
    'drain-seconds',
    'stop-grace',
    'gate-window',
    'health-timeout',
    'pre-deploy',
    'backup',
    'backup-keep',
    'backup-database-url-variable',
    'lock-timeout',
    'keep-releases',
    'dry-run',
    'state-dir',
    'proxy',
    'nginx-conf-dir',
    'nginx-test-command',
    'nginx-reload-command',
    'haproxy-socket',
    'haproxy-config',
    'haproxy-reload-command',
    'haproxy-check-command',
    'haproxy-frontend-port',
    'github-token',
    'environment',
    'environment-url',
    'transient-environment',
    'verify-http-url',
    'verify-http-status',
    'verify-http-body',
    'verify-http-json-path',
    'verify-http-latency-ms',
    'verify-prometheus-url',
    'verify-prometheus-checks',
    'verify-prometheus-selector',
    'verify-prometheus-range',
    'verify-prometheus-status-label',
    'verify-prometheus-queries',
    'verify-prometheus-token',
    'verify-min-samples',
    'verify-log-patterns',
    'verify-telegram-bot-token',
    'verify-telegram-webhook-url',
    'telegram-api-url',
    'verify-window',
    'on-inconclusive',
    'verify-pause',
];
/**
 * Deploy action inputs the CLI does not act on: the notifications (an operator at a terminal sees
 * the outcome). Refused by name rather than ignored, so nobody expects a message that never comes.
 */
const NOT_IN_CLI = [
    'notify-telegram-token',
    'notify-chat-id',
    'notify-webhook-url',
    'notify-webhook-secret',
];
/** Inputs that only mean something inside a GitHub run (the deployment record). */
const GITHUB_ONLY_INPUTS = [
    'github-token',
    'environment',
    'environment-url',
    'transient-environment',
];
/** Secret inputs: from a file key or an environment variable; inline only for `env`. */
const SECRET_SOURCES = {
    'ssh-key': { file: 'ssh-key-file', variable: 'TG_DEVOPS_SSH_KEY' },
    env: { file: 'env-file', variable: 'TG_DEVOPS_ENV' },
    'registry-password': { file: 'registry-password-file', variable: 'TG_DEVOPS_REGISTRY_PASSWORD' },
    'verify-prometheus-token': {
        file: 'verify-prometheus-token-file',
        variable: 'TG_DEVOPS_PROMETHEUS_TOKEN',
    },
    'verify-telegram-bot-token': {
        file: 'verify-telegram-bot-token-file',
        variable: 'TG_DEVOPS_TELEGRAM_BOT_TOKEN',
    },
};
const FILE_KEYS = [
    ...Object.values(SECRET_SOURCES).map((source) => source.file),
    'known-hosts-file',
];
/** A problem in the config file: names the file and the key. */
class ConfigFileError extends Error {
    file;
    key;
    constructor(file, key, problem) {
        super(key ? `${file}: key '${key}': ${problem}` : `${file}: ${problem}`);
        this.file = file;
        this.key = key;
        this.name = 'ConfigFileError';
    }
}
/** Reads, checks and builds the config (the same builder as the action: src/deploy/config.ts). */
function loadConfigFile(path, deps) {
    let text;
    try {
        text = deps.readFile(path);
    }
    catch (error) {
        throw new ConfigFileError(path, undefined, `cannot read it (${error.message})`);
    }
    return parseConfigText(text, path, deps);
}
function parseConfigText(text, file, deps) {
    const doc = (0,dist/* parseDocument */.Tp)(text, { uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length) {
        const e = doc.errors[0];
        const line = e.linePos?.[0]?.line;
        throw new ConfigFileError(file, undefined, `not valid YAML${line ? ` (line ${line})` : ''}: ${e.message.split('\n')[0]}`);
    }
    const data = doc.toJS();
    if (data === null || typeof data !== 'object' || Array.isArray(data))
        throw new ConfigFileError(file, undefined, "expected a mapping of the deploy action's inputs");
    const known = new Set([...DEPLOY_INPUTS, ...FILE_KEYS]);
    const values = {};
    for (const [key, value] of Object.entries(data)) {
        if (NOT_IN_CLI.includes(key))
            throw new ConfigFileError(file, key, 'notifications are sent by the deploy action only; the CLI prints the outcome: remove it');
        if (!known.has(key))
            throw new ConfigFileError(file, key, `is not an input of the deploy action${suggest(key, known)} (see deploy/README.md)`);
        values[key] = scalar(file, key, value);
    }
    const base = (0,external_node_path_namespaceObject.dirname)((0,external_node_path_namespaceObject.resolve)(file));
    const readRef = (key) => {
        const ref = values[key];
        if (ref === undefined || ref === '')
            return undefined;
        const expanded = ref.startsWith('~/') && deps.home ? `${deps.home}${ref.slice(1)}` : ref;
        const target = (0,external_node_path_namespaceObject.isAbsolute)(expanded) ? expanded : (0,external_node_path_namespaceObject.resolve)(base, expanded);
        try {
            return deps.readFile(target);
        }
        catch (error) {
            throw new ConfigFileError(file, key, `cannot read ${target} (${error.message})`);
        }
    };
    const secret = (input) => {
        const { file: fileKey, variable } = SECRET_SOURCES[input];
        const inline = values[input];
        const fromFile = readRef(fileKey);
        const fromEnv = deps.env[variable];
        const given = [inline, fromFile, fromEnv].filter((v) => v !== undefined && v !== '').length;
        if (inline !== undefined && inline !== '' && input !== 'env')
            throw new ConfigFileError(file, input, `a secret is never written into the config: use ${fileKey}: PATH or the ${variable} environment variable`);
        if (given > 1)
            throw new ConfigFileError(file, fileKey, `${input} is given more than once (${input}, ${fileKey}, ${variable}): keep one`);
        return fromFile ?? fromEnv ?? inline ?? '';
    };
    const knownHosts = [values['known-hosts'], readRef('known-hosts-file')]
        .filter((v) => v)
        .join('\n');
    const raw = {
        app: values.app ?? '',
        image: values.image ?? '',
        'bot-mode': values['bot-mode'] ?? '',
        env: secret('env'),
        'registry-password': secret('registry-password'),
    };
    for (const key of DEPLOY_INPUTS) {
        if (key in raw || values[key] === undefined)
            continue;
        raw[key] = values[key];
    }
    const sshKey = secret('ssh-key');
    let config;
    let verify;
    try {
        config = buildConfig(raw);
        ({ config, verify } = verifyOptions(config, values, secret));
    }
    catch (error) {
        if (error instanceof InputError) {
            const problem = error.message.replace(/^Input '[^']*': /, '');
            throw new ConfigFileError(file, keyFor(error.input, values), problem);
        }
        throw error;
    }
    const hosts = list(values.hosts);
    if (hosts.length === 0)
        throw new ConfigFileError(file, 'hosts', 'is required: one or more user@host[:port]');
    if (!sshKey.trim())
        throw new ConfigFileError(file, 'ssh-key-file', `is required (or the ${SECRET_SOURCES['ssh-key'].variable} environment variable): the private key for the hosts`);
    const fingerprints = list(values['host-fingerprint']);
    if (!knownHosts.trim() && fingerprints.length === 0)
        throw new ConfigFileError(file, 'known-hosts', 'or known-hosts-file or host-fingerprint is required: tg-devops never connects to an unverified host');
    const batch = values['batch-size'] ?? '1';
    if (!/^\d{1,2}$/.test(batch) || Number(batch) < 1 || Number(batch) > 50)
        throw new ConfigFileError(file, 'batch-size', `expected 1..50, got ${JSON.stringify(batch)}`);
    const proxy = { ...PROXY_INPUT_DEFAULTS };
    for (const key of Object.keys(PROXY_INPUT_DEFAULTS))
        if (values[key] !== undefined)
            proxy[key] = values[key];
    return {
        file,
        raw,
        config,
        hosts,
        batchSize: Number(batch),
        ssh: {
            key: sshKey,
            knownHosts,
            fingerprints,
            jumpHost: values['jump-host'] ?? '',
        },
        proxy,
        verify,
        ignored: GITHUB_ONLY_INPUTS.filter((k) => values[k] !== undefined),
    };
}
/** The verify-* keys as the deploy action reads and validates them (src/health/inputs.ts). */
function verifyOptions(config, values, secret) {
    const lines = (key) => (values[key] ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean);
    const int = (key, fallback, max) => {
        const v = (values[key] ?? '').trim();
        if (!v)
            return fallback;
        if (!/^\d{1,7}$/.test(v) || Number(v) > max)
            throw new InputError(key, `expected a whole number 0..${max}, got ${JSON.stringify(v)}`);
        return Number(v);
    };
    const raw = {
        httpUrls: lines('verify-http-url'),
        httpStatus: list(values['verify-http-status']),
        httpBody: values['verify-http-body'] ?? '',
        httpJsonPath: values['verify-http-json-path'] ?? '',
        httpLatencyMs: int('verify-http-latency-ms', 0, 600_000),
        prometheusUrl: (values['verify-prometheus-url'] ?? '').trim(),
        prometheusChecks: list(values['verify-prometheus-checks']),
        prometheusQueries: lines('verify-prometheus-queries'),
        prometheusSelector: values['verify-prometheus-selector'] ?? '',
        prometheusRange: values['verify-prometheus-range'] || '5m',
        minSamples: int('verify-min-samples', 20, 1_000_000),
        prometheusStatusLabel: values['verify-prometheus-status-label'] || 'code',
        prometheusToken: secret('verify-prometheus-token').trim(),
        logPatterns: lines('verify-log-patterns'),
        telegramBotToken: secret('verify-telegram-bot-token').trim(),
        telegramApiUrl: values['telegram-api-url'] || 'https://api.telegram.org',
        telegramWebhookUrl: values['verify-telegram-webhook-url'] ?? '',
    };
    const checks = parseCheckInputs(raw, {
        name: (base) => (base === 'telegram-api-url' ? base : `verify-${base}`),
    });
    const mode = values['on-inconclusive'] || 'pause';
    if (!INCONCLUSIVE_MODES.includes(mode))
        throw new InputError('on-inconclusive', `expected one of ${INCONCLUSIVE_MODES.join(', ')}, got ${JSON.stringify(mode)}`);
    const verify = hasVerifyChecks(checks)
        ? {
            checks,
            onInconclusive: mode,
            pauseSeconds: int('verify-pause', 60, 3600),
        }
        : undefined;
    const window = int('verify-window', -1, 3600);
    if (values['verify-window'] !== undefined && values['verify-window'] !== '') {
        if (!verify)
            throw new InputError('verify-window', 'needs a check to watch: set verify-http-url, verify-prometheus-url, verify-log-patterns or verify-telegram-bot-token');
        return { config: { ...config, gateWindowSeconds: window }, verify };
    }
    return { config, verify };
}
/** The key to blame: the file variant when the value came from a file. */
function keyFor(input, values) {
    const source = SECRET_SOURCES[input];
    if (source && values[input] === undefined && values[source.file] !== undefined)
        return source.file;
    return input;
}
/** YAML values as the action's string inputs: scalars as text, lists as lines. */
function scalar(file, key, value) {
    if (value === null || value === undefined)
        return '';
    if (typeof value === 'string')
        return value;
    if (typeof value === 'number' || typeof value === 'boolean')
        return String(value);
    if (Array.isArray(value)) {
        if (value.every((v) => ['string', 'number'].includes(typeof v)))
            return value.map(String).join('\n');
        throw new ConfigFileError(file, key, 'a list may hold only strings and numbers');
    }
    if (key === 'env' && typeof value === 'object') {
        throw new ConfigFileError(file, key, 'write env as KEY=VALUE lines (a | block) or use env-file: PATH');
    }
    throw new ConfigFileError(file, key, 'expected a string, number, boolean or list');
}
function list(value) {
    return (value ?? '')
        .split(/[\n,]/)
        .map((s) => s.trim())
        .filter(Boolean);
}
function suggest(key, known) {
    const near = [...known].find((k) => k.replace(/[-_]/g, '') === key.toLowerCase().replace(/[-_]/g, ''));
    return near ? ` (did you mean '${near}'?)` : '';
}

;// CONCATENATED MODULE: ./src/cli/commands.ts















function defaultActor() {
    let user = 'unknown';
    try {
        user = (0,external_node_os_namespaceObject.userInfo)().username;
    }
    catch {
        // no passwd entry (a container): keep 'unknown'
    }
    return `${user}@${(0,external_node_os_namespaceObject.hostname)()} (tg-devops cli)`;
}
/** The hosts this run acts on (as written in the config): all, or the --host subset of them. */
function selectHosts(cli, wanted) {
    const all = cli.hosts.map((h) => ({
        text: h,
        target: configured(cli, () => parseHost(h, 'hosts')),
    }));
    if (!wanted.length)
        return all.map((h) => h.text);
    return wanted.map((w) => {
        const hit = all.find((h) => h.text === w || h.target.host === w || formatTarget(h.target) === w);
        if (!hit)
            throw new ConfigFileError(cli.file, 'hosts', `--host ${w} is not one of the config's hosts (${cli.hosts.join(', ')})`);
        return hit.text;
    });
}
/** The config key that sets an input (secrets come from their -file key in a config). */
const KEY_OF_INPUT = { 'ssh-key': 'ssh-key-file' };
/** Runs f; an InputError becomes the CLI's ConfigFileError naming the key and the file. */
function configured(cli, f) {
    try {
        return f();
    }
    catch (error) {
        if (error instanceof InputError)
            throw new ConfigFileError(cli.file, KEY_OF_INPUT[error.input] ?? error.input, error.message.replace(/^Input '[^']*': /, ''));
        throw error;
    }
}
/** The traffic switch the config asks for (the actions' proxyFrom), none for proxy: none. */
function proxyFor(cli, config) {
    if (config.proxy === 'none')
        return undefined;
    const kind = config.proxy;
    return configured(cli, () => proxyFrom(kind, config.app, cli.proxy));
}
/**
 * Opens verified SSH sessions one host at a time (the actions' sshTargetsFrom, connectSsh and
 * withSession); the key material goes away at the end, also on Ctrl-C.
 */
async function withHosts(cli, args, deps, body) {
    const hosts = selectHosts(cli, args.hosts);
    const { targets, jump } = configured(cli, () => sshTargetsFrom(hosts, cli.ssh));
    deps.log.secret(cli.ssh.key);
    const ssh = await connectSsh(cli.ssh, targets, jump, {
        log: deps.log,
        clock: deps.clock,
        writeSshMaterial: deps.writeSshMaterial,
        openSession: deps.openSession,
    });
    const { material } = ssh;
    const remove = () => deps.removeSshMaterial(material.dir, { controlDir: material.controlDir });
    const failed = [];
    // Ctrl-C: the key, known_hosts and the SSH master go away before the process does. A deploy
    // cut off here leaves the host lock behind; the next run takes a stale lock over.
    const interrupted = (signal) => {
        remove();
        deps.log.error(`interrupted (${signal}): SSH key material removed; the next run takes over a stale lock`);
        process.exit(130);
    };
    const signals = deps.handleSignals === false ? [] : ['SIGINT', 'SIGTERM'];
    for (const signal of signals)
        process.once(signal, interrupted);
    try {
        for (const target of targets) {
            const host = formatTarget(target);
            const ok = await ssh.withSession(target, async (session) => {
                await body(session, host);
                return true;
            }, (error) => {
                deps.log.error(`${host}: ${errorMessage(error)}`);
                failed.push(host);
                return false;
            });
            // like the action: stop at the first failed host, leave the others as they are
            if (!ok && args.command !== 'status')
                break;
        }
    }
    finally {
        for (const signal of signals)
            process.off(signal, interrupted);
        remove();
    }
    return { failed };
}
function holder(deps) {
    return { runId: `cli-${process.pid}`, actor: deps.actor };
}
async function deployCommand(cli, args, deps) {
    const config = { ...cli.config, dryRun: args.dryRun || cli.config.dryRun };
    const proxy = proxyFor(cli, config);
    for (const key of cli.ignored)
        deps.log.info(`note: ${key} is for GitHub runs; the CLI ignores it`);
    const releaseId = releaseIdAt(deps.clock.now());
    const { failed } = await withHosts(cli, args, deps, async (exec, host) => {
        const extraGates = cli.verify
            ? verifyGates(cli.verify, { fetch: deps.fetch ?? fetch, clock: deps.clock })
            : [];
        const report = await deps.log.group(`${config.dryRun ? 'plan for' : 'deploy to'} ${host}`, () => deploy(config, {
            exec,
            host: hostPrimitives,
            proxy,
            clock: deps.clock,
            log: deps.log,
            releaseId,
            holder: holder(deps),
            extraGates,
            // each verify gate may hold a step for up to verify-pause seconds: the lock outlives it
            lockTtlSeconds: extraGates.length
                ? lockTtl(config) + 2 * (cli.verify?.pauseSeconds ?? 0) * extraGates.length
                : undefined,
        }));
        if (report.dryRun) {
            deps.out(`${host}: dry-run, nothing changed`);
            deps.out(planText(report.plan));
        }
        else {
            const gap = report.facts.gapMs !== undefined ? `, gap ${report.facts.gapMs} ms` : '';
            deps.out(`${host}: release ${releaseId} of ${config.app} is live (${config.image.raw}, ${report.plan.color ?? 'no color'}${gap}; previous ${report.plan.current?.id ?? 'none'})`);
        }
    });
    return failed.length ? 1 : 0;
}
/**
 * Rollback (src/rollback): the kept container of the previous release (or --to RELEASE_ID) takes
 * the traffic back (proxy switch, or a handover for polling/MTProto bots) under the host lock,
 * with the same health gate, undo on failure and an audit entry. Refuses an unknown release, the
 * current one, and going back past an irreversible migration unless --force.
 */
async function rollbackCommand(cli, args, deps) {
    const config = cli.config;
    const proxy = proxyFor(cli, config);
    const settings = {
        app: config.app,
        stateBase: config.stateBase,
        to: args.to,
        force: args.force,
        dryRun: args.dryRun,
        healthPath: config.healthPath,
        stopGraceSeconds: config.stopGraceSeconds,
        healthTimeoutSeconds: config.healthTimeoutSeconds,
        drainSeconds: config.drainSeconds,
        gateWindowSeconds: config.gateWindowSeconds,
        lockTimeoutSeconds: config.lockTimeoutSeconds,
        reason: `manual rollback by ${deps.actor}`,
    };
    const { failed } = await withHosts(cli, args, deps, async (exec, host) => {
        const report = await deps.log.group(`rollback on ${host}`, () => rollback(settings, {
            exec,
            host: hostPrimitives,
            proxy,
            clock: deps.clock,
            log: deps.log,
            holder: holder(deps),
        }));
        const line = rollbackSummaryLine(report.plan);
        if (report.dryRun) {
            deps.out(`${host}: dry-run, nothing changed: would ${line}`);
            deps.out(rollbackText(report.steps));
        }
        else
            deps.out(`${host}: ${line}: done (${report.mode}${report.switchMs !== undefined ? `, switched in ${report.switchMs} ms` : ''})`);
    });
    return failed.length ? 1 : 0;
}
async function statusCommand(cli, args, deps) {
    const config = cli.config;
    const { failed } = await withHosts(cli, args, deps, async (exec, host) => {
        const lines = await statusLines(exec, config);
        deps.out(`== ${host}`);
        for (const line of lines)
            deps.out(line);
    });
    return failed.length ? 1 : 0;
}
/** Read-only: state, lock, last audit entries and the app's containers on one host. */
async function statusLines(exec, config) {
    const paths = hostPrimitives.appPaths(config.stateBase, config.app);
    const state = await hostPrimitives.readState(exec, paths);
    const out = [];
    const release = (r) => r
        ? `${r.id}  ${r.image}  ${r.color ?? '-'}${r.port ? `:${r.port}` : ''}  ${r.strategy}  since ${r.startedAt}`
        : 'none';
    out.push(`app       ${config.app} (state ${paths.dir})`);
    out.push(`current   ${release(state.current)}`);
    out.push(`previous  ${release(state.previous)}`);
    const lockHolder = await readFile(exec, `${paths.lock}/holder.json`).catch(() => undefined);
    out.push(`lock      ${lockHolder === undefined ? 'free' : `held by ${describeHolder(lockHolder)}`}`);
    const ps = await exec.run([
        'docker',
        'ps',
        '-a',
        '--filter',
        `label=tg-devops.app=${config.app}`,
        '--format',
        '{{.Names}}\t{{.Status}}\t{{.Image}}',
    ], { allowFailure: true });
    const containers = ps.stdout.split('\n').filter(Boolean);
    out.push(`containers (${ps.exitCode === 0 ? containers.length : `docker ps failed: ${ps.stderr.trim().split('\n')[0]}`})`);
    for (const c of containers)
        out.push(`  ${c.replace(/\t/g, '  ')}`);
    const audit = await readAudit(exec, paths, 10).catch(() => []);
    out.push(`audit (last ${audit.length})`);
    for (const a of audit)
        out.push(`  ${a.at}  ${a.actor}  ${a.action}  ${a.release ?? ''}  ${a.result}${a.detail ? `  ${a.detail}` : ''}`);
    out.push(`history   ${state.history.map((r) => r.id).join(', ') || 'none'}`);
    return out;
}
async function runCommand(cli, args, deps) {
    switch (args.command) {
        case 'deploy':
            return deployCommand(cli, args, deps);
        case 'rollback':
            return rollbackCommand(cli, args, deps);
        case 'status':
            return statusCommand(cli, args, deps);
    }
}

;// CONCATENATED MODULE: ./src/cli/main.ts










/** Parses, loads the config, runs the command. Returns the exit code: 0 ok, 1 failure, 2 usage. */
async function main(argv, deps = {}) {
    const out = deps.out ?? ((line) => process.stdout.write(`${line}\n`));
    const err = deps.err ?? ((line) => process.stderr.write(`${line}\n`));
    let parsed;
    try {
        parsed = parseArgs(argv);
    }
    catch (error) {
        if (error instanceof UsageError) {
            err(`tg-devops: ${error.message}\n\n${error.usage}`);
            return 2;
        }
        throw error;
    }
    if ('help' in parsed) {
        out(parsed.help);
        return 0;
    }
    const { args } = parsed;
    const log = deps.log ?? consoleLog(err);
    try {
        const cli = loadConfigFile(args.config, {
            readFile: deps.readFile ?? ((path) => (0,external_node_fs_namespaceObject.readFileSync)(path, 'utf8')),
            env: deps.env ?? process.env,
            home: (0,external_node_os_namespaceObject.homedir)(),
        });
        log.secret(cli.ssh.key);
        if (cli.raw['registry-password'])
            log.secret(cli.raw['registry-password']);
        if (cli.config.envFile)
            log.secret(cli.config.envFile);
        return await runCommand(cli, args, {
            log,
            out,
            clock: deps.clock ?? systemClock,
            writeSshMaterial: deps.writeSshMaterial ?? writeSshMaterial,
            removeSshMaterial: deps.removeSshMaterial ?? secrets_removeSshMaterial,
            openSession: deps.openSession ?? openSession,
            actor: deps.actor ?? defaultActor(),
        });
    }
    catch (error) {
        if (error instanceof ConfigFileError) {
            err(`tg-devops: ${error.message}`);
            return 2;
        }
        log.error(errorMessage(error));
        return 1;
    }
}

;// CONCATENATED MODULE: ./src/cli/index.ts
// tg-devops deploy|rollback|status --config deploy.yml: the deploy action's engine from a terminal,
// for the day CI is down. Exit codes: 0 ok, 1 failure, 2 usage. Entry only; logic in main.ts.

main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
}, (error) => {
    process.stderr.write(`tg-devops: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
});


//# sourceMappingURL=index.js.map