/**
 * aws-local-stepfunctions 3 declares Node >= 22 and calls Promise.withResolvers (ES2024) inside every Task;
 * Node 20 lacks it. Installed only where missing, so newer runtimes keep their own.
 */
if (!('withResolvers' in Promise)) {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T | PromiseLike<T>) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}

export {};
