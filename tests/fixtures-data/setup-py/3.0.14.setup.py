# Written for crosscheck's tests: the constructs of Django 3.0.x's setup.py (a Python version
# check that must run on Python 2, python_requires built with str.format from a tuple, the README
# read by a function, project_urls), with its literal metadata. Not Django's code.
import os
import sys
from distutils.sysconfig import get_python_lib

from setuptools import find_packages, setup

CURRENT_PYTHON = sys.version_info[:2]
REQUIRED_PYTHON = (3, 6)

# Must stay valid on Python 2, which reaches this line.
if CURRENT_PYTHON < REQUIRED_PYTHON:
    sys.stderr.write("""
This release needs Python {}.{} or later; this is Python {}.{}.
""".format(*(REQUIRED_PYTHON + CURRENT_PYTHON)))
    sys.exit(1)


earlier_copy = None
if "install" in sys.argv:
    search = [get_python_lib()]
    if search[0].startswith("/usr/lib/"):
        search.append(get_python_lib(prefix="/usr/local"))
    for where in search:
        if os.path.exists(os.path.join(where, "django")):
            earlier_copy = os.path.join(where, "django")
            break


EXCLUDE_FROM_PACKAGES = ['django.conf.project_template',
                         'django.conf.app_template',
                         'django.bin']

version = __import__('django').get_version()


def read(name):
    with open(os.path.join(os.path.dirname(__file__), name)) as handle:
        return handle.read()


setup(
    name='Django',
    version=version,
    python_requires='>={}.{}'.format(*REQUIRED_PYTHON),
    url='https://www.djangoproject.com/',
    author='Django Software Foundation',
    author_email='foundation@djangoproject.com',
    description=('A high-level Python Web framework that encourages '
                 'rapid development and clean, pragmatic design.'),
    long_description=read('README.rst'),
    license='BSD',
    packages=find_packages(exclude=EXCLUDE_FROM_PACKAGES),
    include_package_data=True,
    scripts=['django/bin/django-admin.py'],
    entry_points={'console_scripts': [
        'django-admin = django.core.management:execute_from_command_line',
    ]},
    install_requires=['pytz', 'sqlparse >= 0.2.2', 'asgiref ~= 3.2'],
    extras_require={
        "bcrypt": ["bcrypt"],
        "argon2": ["argon2-cffi >= 16.1.0"],
    },
    zip_safe=False,
    classifiers=[
        'Development Status :: 5 - Production/Stable',
        'Environment :: Web Environment',
        'Framework :: Django',
        'Intended Audience :: Developers',
        'License :: OSI Approved :: BSD License',
        'Operating System :: OS Independent',
        'Programming Language :: Python',
        'Programming Language :: Python :: 3',
        'Programming Language :: Python :: 3.6',
        'Programming Language :: Python :: 3.7',
        'Programming Language :: Python :: 3.8',
        'Programming Language :: Python :: 3.9',
        'Programming Language :: Python :: 3 :: Only',
        'Topic :: Internet :: WWW/HTTP',
        'Topic :: Internet :: WWW/HTTP :: Dynamic Content',
        'Topic :: Internet :: WWW/HTTP :: WSGI',
        'Topic :: Software Development :: Libraries :: Application Frameworks',
        'Topic :: Software Development :: Libraries :: Python Modules',
    ],
    project_urls={
        'Documentation': 'https://docs.djangoproject.com/',
        'Funding': 'https://www.djangoproject.com/fundraising/',
        'Source': 'https://github.com/django/django',
        'Tracker': 'https://code.djangoproject.com/',
    },
)

if earlier_copy:
    sys.stderr.write("An earlier Django is still at %(path)s.\n" % {"path": earlier_copy})
