let hidden = [];

export function initialize(data) {
  hidden = data;
}

export async function resolve(specifier, context, next) {
  if (hidden.includes(specifier)) {
    const error = new Error(`Cannot find package '${specifier}' imported from ${context.parentURL}`);
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  }
  return next(specifier, context);
}
