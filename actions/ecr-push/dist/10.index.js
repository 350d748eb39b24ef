export const id = 10;
export const ids = [10];
export const modules = {

/***/ 5010:
/***/ ((module) => {

module.exports = eval("require")("kerberos");


/***/ })

};
